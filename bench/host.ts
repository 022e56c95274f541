/**
 * `npm run bench:host`: Egret's generated float C (host target, built with its Makefile's flags)
 * against onnxruntime-node (one intra-op thread, default graph optimisations) on the same seeded
 * inputs, per model of bench/host-models.ts. The two sides are interleaved in one run: rounds of a
 * batch of Egret calls (timed inside the C harness, bench_runner.c) then a batch of onnxruntime
 * calls (timed around `session.run`), so both see the same machine load. Prints per side the
 * calls, fastest and median call and the median absolute deviation; the ratios Egret / ORT of the
 * fastest and of the median call; whether the outputs agree within the conformance tolerance; and
 * for the acceptance set (shared models with >= 1 M MACs) the geometric mean and worst ratio.
 * `-- --filter TEXT` times only the models whose name contains TEXT. Asserts nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import type { DType } from "../src/ir/dtype.js";
import { startHarness } from "./host-harness.js";
import { hostBenchModels, MIN_DONE_MACS, type HostBenchModel } from "./host-models.js";
import { agreement, callStats, geomean, type CallStats } from "./host-stats.js";

/** Time spent per model and side (ms), the smallest number of rounds, and the target batch time. */
const BUDGET_MS = 2_500;
const MIN_ROUNDS = 6;
const BATCH_MS = 40;
const RTOL = 1e-4;
const ATOL = 1e-5;

interface Row {
  readonly model: HostBenchModel;
  readonly egret: CallStats;
  readonly ort: CallStats;
  readonly agree: { ok: boolean; maxAbs: number };
  readonly kernelCalls: number;
}

async function timeModel(model: HostBenchModel): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "egret-bench-host-"));
  const session = await ort.InferenceSession.create(model.path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", logSeverityLevel: 3 });
  try {
    const harness = startHarness(model.graph, model.inputs, dir);
    const feeds = ortFeeds(model.graph, model.inputs);
    // Warm both sides (page faults, onnxruntime's first-run allocations), then size the batches.
    const firstEgret = Math.max(...(await harness.batch(2)));
    let ortOut = await session.run(feeds);
    const t0 = performance.now();
    ortOut = await session.run(feeds);
    const firstOrt = (performance.now() - t0) * 1000;
    const batch = Math.max(1, Math.min(200, Math.round((BATCH_MS * 1000) / Math.max(firstEgret, firstOrt))));
    const egretTimes: number[] = [];
    const ortTimes: number[] = [];
    const started = performance.now();
    for (let round = 0; round < MIN_ROUNDS || performance.now() - started < 2 * BUDGET_MS; round++) {
      egretTimes.push(...(await harness.batch(batch)));
      for (let k = 0; k < batch; k++) {
        const t = performance.now();
        ortOut = await session.run(feeds);
        ortTimes.push((performance.now() - t) * 1000);
      }
      if (round > 1000) break;
    }
    const egretOut = await harness.finish();
    const reference = model.graph.outputs.map((o) => fromOrt(ortOut[o.name], o.name));
    return { model, egret: callStats(egretTimes), ort: callStats(ortTimes), agree: agreement(egretOut, reference, RTOL, ATOL), kernelCalls: harness.kernelCalls };
  } finally {
    await session.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

function ortFeeds(graph: Graph, inputs: readonly Tensor[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  graph.inputs.forEach((i, k) => (feeds[i.name] = new ort.Tensor("float32", inputs[k]!.data as Float32Array, [...i.shape])));
  return feeds;
}

function fromOrt(value: ort.Tensor | undefined, name: string): Tensor {
  if (value === undefined) throw new Error(`onnxruntime returned no output "${name}"`);
  return new Tensor(value.type as DType, [...value.dims], value.data as Tensor["data"]);
}

function us(v: number): string {
  return v >= 1000 ? v.toFixed(0) : v.toFixed(1);
}

function formatRows(rows: readonly Row[]): string {
  const header = ["model", "MACs", "calls", "Egret fastest us", "Egret median us", "Egret MAD", "ORT fastest us", "ORT median us", "ORT MAD", "fastest E/O", "median E/O", "max |diff|", "agree"];
  const cells = rows.map((r) => [
    `${r.model.acceptance ? "*" : " "} ${r.model.name}`,
    String(r.model.macs),
    `${r.egret.calls}/${r.ort.calls}`,
    us(r.egret.fastest), us(r.egret.median), us(r.egret.mad),
    us(r.ort.fastest), us(r.ort.median), us(r.ort.mad),
    (r.egret.fastest / r.ort.fastest).toFixed(2), (r.egret.median / r.ort.median).toFixed(2),
    r.agree.maxAbs.toExponential(1), r.agree.ok ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (v: readonly string[]) => v.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function summary(rows: readonly Row[]): string {
  const done = rows.filter((r) => r.model.acceptance);
  if (done.length === 0) return "no shared model with >= 1 M MACs was timed";
  const fastest = done.map((r) => r.egret.fastest / r.ort.fastest);
  const medians = done.map((r) => r.egret.median / r.ort.median);
  const worst = done.reduce((w, r) => (r.egret.fastest / r.ort.fastest > w.egret.fastest / w.ort.fastest ? r : w));
  return [
    `* acceptance set: ${done.length} shared float ONNX models with >= ${MIN_DONE_MACS} MACs`,
    `  geometric mean Egret/ORT: fastest call ${geomean(fastest).toFixed(3)}, median call ${geomean(medians).toFixed(3)}`,
    `  worst (fastest call): ${(worst.egret.fastest / worst.ort.fastest).toFixed(3)} ${worst.model.name}; worst (median): ${Math.max(...medians).toFixed(3)}`,
    `  outputs within rtol ${RTOL} / atol ${ATOL} of onnxruntime: ${done.filter((r) => r.agree.ok).length}/${done.length}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--filter");
  const filter = at < 0 ? "" : (process.argv[at + 1] ?? "");
  const { models, skipped } = hostBenchModels();
  const chosen = models.filter((m) => m.name.includes(filter));
  console.log(`bench:host: ${chosen.length} models; load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const rows: Row[] = [];
  for (const model of chosen) {
    try {
      rows.push(await timeModel(model));
      process.stderr.write(`  timed ${model.name}\n`);
    } catch (e) {
      skipped.push({ name: model.name, reason: e instanceof Error ? e.message.split("\n")[0]! : String(e) });
    }
  }
  console.log(formatRows(rows));
  console.log("");
  console.log(summary(rows));
  for (const s of skipped) console.log(`note: ${s.name} not timed: ${s.reason}`);
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
