/** The campaign's printed report: counts per format and outcome, then every non-clean case with its replay id. */
import { FORMATS, type Format } from "./bases.js";
import { badCases, type CampaignResult } from "./campaign.js";
import { OUTCOMES } from "./run-cli.js";

/** The decode-failure phrases of each reader: which reader a clean error came from. */
const READER_PHRASES: readonly [RegExp, Format][] = [
  [/is not (a valid|an) ONNX model/, "onnx"], [/is not a valid Caffe model/, "caffe"], [/is not (a valid )?a? ?TensorFlow GraphDef/, "tf"],
  [/is not a readable HDF5 file/, "keras"], [/flatbuffer is corrupt/, "tflite"], [/is not a kmodel|is named \.kmodel/, "kmodel"],
];

/** A clean error from another format's reader than the base file's: the file was misdetected. */
export function misdetectedAs(c: CampaignResult["cases"][number]): Format | undefined {
  if (c.outcome !== "clean-error") return undefined;
  const own = c.case.base.format === "prototxt" ? "caffe" : c.case.base.format;
  const stderr = c.runs[c.runs.length - 1]!.result.stderrHead;
  return READER_PHRASES.find(([re, f]) => f !== own && re.test(stderr))?.[1];
}

export function formatReport(r: CampaignResult, replayCommand: (id: string) => string): string {
  const lines: string[] = [];
  const width = 16;
  lines.push(["format".padEnd(10), "files".padStart(6), ...OUTCOMES.map((o) => o.padStart(width))].join(" "));
  const row = (label: string, cases: CampaignResult["cases"]) =>
    [label.padEnd(10), String(cases.length).padStart(6), ...OUTCOMES.map((o) => String(cases.filter((c) => c.outcome === o).length).padStart(width))].join(" ");
  for (const f of FORMATS) {
    const of = r.cases.filter((c) => c.case.base.format === f);
    if (of.length > 0) lines.push(row(f, of));
  }
  lines.push(row("total", r.cases));
  const byCommand = new Map<string, number>();
  for (const c of r.cases) for (const run of c.runs) byCommand.set(run.command[0]!, (byCommand.get(run.command[0]!) ?? 0) + 1);
  lines.push(`CLI processes: ${r.runs} (${[...byCommand].map(([k, n]) => `${k} ${n}`).join(", ")}), seed ${r.seed}, ${(r.ms / 1000).toFixed(1)} s`);
  const slow = r.cases.flatMap((c) => c.runs.filter((run) => run.slow).map((run) => `${c.case.id} ${run.command[0]} took ${run.result.ms} ms`));
  if (slow.length > 0) lines.push(`slow (over the timeout once, finished on the longer rerun): ${slow.join("; ")}`);
  for (const f of r.missingFormats) lines.push(`note: no base file for ${f} under ../shared/models: not mutated`);
  const misdetected = r.cases.flatMap((c) => { const f = misdetectedAs(c); return f === undefined ? [] : [`${c.case.id} as ${f}`]; });
  lines.push(`clean errors from another format's reader (misdetected): ${misdetected.length}${misdetected.length > 0 ? ` (${misdetected.slice(0, 20).join(", ")})` : ""}`);
  const bad = badCases(r);
  lines.push(`internal errors: ${r.cases.filter((c) => c.outcome === "internal-error").length}, crashes: ${r.cases.filter((c) => c.outcome === "crash").length}, hangs: ${r.cases.filter((c) => c.outcome === "hang").length}`);
  for (const c of bad) {
    const run = c.runs.find((x) => x.result.outcome === c.outcome)!;
    lines.push(`${c.outcome} ${c.case.id}: ${c.case.base.file}, ${c.case.description}; egret ${run.command[0]} exit ${run.result.exitCode ?? run.result.signal}`);
    lines.push(`    ${run.result.stderrHead.split("\n").slice(0, 3).join("\n    ")}`);
    lines.push(`    replay: ${replayCommand(c.case.id)}`);
  }
  return lines.join("\n");
}
