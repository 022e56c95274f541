/**
 * `npm run bench:mutation`: the CLI mutation campaign (issue 12). About 2,000 mutated files over
 * ONNX, TFLite, Caffe, prototxt, TensorFlow GraphDef, Keras and kmodel, each run through
 * `egret info` and then `compile` (kmodel: `run`) as a separate process. Prints counts per format
 * and outcome and every internal error, crash and hang with the command that replays it.
 * Exits 1 when there is any, so it can gate a release; it is too slow for CI (a slice of it is
 * test/importers/cli-mutation.test.ts).
 *
 *   node dist/bench/mutation-campaign.js [--seed 12] [--scale 1] [--formats onnx,kmodel] [--jobs 2] [--timeout 20]
 *   node dist/bench/mutation-campaign.js --replay kmodel#17 [--seed 12] --keep DIR
 */
import { mkdirSync } from "node:fs";
import { FORMATS, type Format } from "./mutation/bases.js";
import { badCases, materializeForReplay, runCampaign } from "./mutation/campaign.js";
import { parseCaseName } from "./mutation/cases.js";
import { formatReport } from "./mutation/report.js";

/** Cases per format at scale 1: 2,050 files, weighted towards the formats with more reader code. */
const DEFAULT_COUNTS: Readonly<Record<Format, number>> = { onnx: 400, tflite: 350, caffe: 250, prototxt: 250, tf: 300, keras: 200, kmodel: 300 };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function numberOption(name: string, fallback: number): number {
  const text = option(name);
  const v = text === undefined ? fallback : Number(text);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} ${text}: not a non-negative number`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<void> {
  const seed = numberOption("seed", 12);
  const replay = option("replay");
  if (replay !== undefined) {
    const id = parseCaseName(replay, FORMATS);
    const dir = option("keep");
    if (id === undefined || dir === undefined) {
      console.error("--replay FORMAT#INDEX needs --keep DIR (where the mutated file is written)");
      process.exit(2);
    }
    mkdirSync(dir, { recursive: true });
    const c = materializeForReplay(seed, id, dir);
    console.log(`${c.id}: ${c.base.file}, ${c.kind}: ${c.description}`);
    for (const cmd of [c.info, ...(c.followUp === undefined ? [] : [c.followUp])]) console.log(`node bin/egret.js ${cmd.join(" ")}`);
    return;
  }
  const scale = numberOption("scale", 1);
  const only = option("formats")?.split(",");
  const counts = Object.fromEntries(FORMATS.filter((f) => only === undefined || only.includes(f)).map((f) => [f, Math.round(DEFAULT_COUNTS[f] * scale)]));
  const jobs = Math.min(2, Math.max(1, numberOption("jobs", 2)));
  const result = await runCampaign({
    seed, counts, jobs, timeoutMs: numberOption("timeout", 20) * 1000,
    onCase: (c, done, total) => {
      if (c.outcome === "internal-error" || c.outcome === "crash" || c.outcome === "hang") console.log(`[${done}/${total}] ${c.outcome} ${c.case.id}`);
      else if (done % 100 === 0) console.log(`[${done}/${total}]`);
    },
  });
  console.log(formatReport(result, (id) => `node dist/bench/mutation-campaign.js --replay '${id}' --seed ${seed} --keep /tmp/replay`));
  if (badCases(result).length > 0) process.exitCode = 1;
}

await main();
