/** The campaign's printed report: counts per format and outcome, then every non-clean case with its replay id. */
import { FORMATS } from "./bases.js";
import { badCases, type CampaignResult } from "./campaign.js";
import { OUTCOMES } from "./run-cli.js";

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
