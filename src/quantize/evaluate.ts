import type { Tensor } from "../ir/tensor.js";
import type { Sample } from "./calibrate.js";
import { LayerComparison, type LayerError } from "./layer-compare.js";
import { largestDrop, type LayerDrop } from "./layer-drop.js";
import { argmax, cosineSimilarity, SqnrAccumulator } from "./metrics.js";
import { outputKind, type OutputKind, type OutputKindOption } from "./output-kind.js";
import type { PtqResult } from "./ptq.js";

/** One graph output of the float and integer programs, compared. */
export interface OutputReport {
  readonly name: string;
  /** Which metrics apply (classes: top-1 too) and why that kind was chosen. */
  readonly kind: OutputKind;
  readonly kindReason: string;
  readonly sqnrDb: number;
  /** Mean over samples. */
  readonly cosine: number;
  readonly maxAbsError: number;
  /** Class scores only: share of samples whose argmax is the same in both programs. */
  readonly top1Agreement?: number;
}

/** What `egret eval` reports: float vs integer program on the same inputs. */
export interface EvalReport {
  readonly samples: number;
  /** Per float tensor (graph inputs first), in execution order. */
  readonly layers: readonly LayerError[];
  /** The layer where SQNR drops most from its inputs to its output. */
  readonly largestDrop?: LayerDrop;
  readonly outputs: readonly OutputReport[];
  /** With labels: share of samples whose argmax of the first class-score output is the label, per program. */
  readonly accuracy?: { readonly output: string; readonly float: number; readonly quantized: number };
  readonly floatFallbacks: readonly { readonly node: string; readonly op: string; readonly reason: string }[];
}

export interface EvalOptions {
  /** Class labels of the samples (the first class-score output is scored against them). */
  readonly labels?: readonly number[];
  readonly outputKind?: OutputKindOption;
}

/**
 * Runs the float program and the integer program (the reference evaluator: bit-exact with the
 * generated C) on every sample and compares them layer by layer and at the outputs, with the
 * metrics each output's kind calls for.
 */
export function evaluateQuantized(q: PtqResult, samples: readonly Sample[], options: EvalOptions = {}): EvalReport {
  const { labels } = options;
  const program = q.floatProgram;
  const kinds = program.outputs.map((o) => outputKind(program, o.name, options.outputKind ?? "auto", labels !== undefined));
  const layers = new LayerComparison(program, q.graph, q.copies, q.ops, q.floors);
  const outs = program.outputs.map(() => ({ sqnr: new SqnrAccumulator(), cosine: 0, maxAbs: 0, agree: 0 }));
  const scored = kinds.findIndex((k) => k.kind === "classes");
  let floatRight = 0;
  let quantRight = 0;
  samples.forEach((sample, s) => {
    const { float, quantized } = layers.add(sample);
    float.forEach((f: Tensor, i) => {
      const a = f.toNumbers();
      const b = quantized[i]!.toNumbers();
      const o = outs[i]!;
      o.sqnr.add(a, b);
      o.cosine += cosineSimilarity(a, b);
      for (let k = 0; k < a.length; k++) o.maxAbs = Math.max(o.maxAbs, Math.abs(a[k]! - b[k]!));
      if (kinds[i]!.kind === "classes" && argmax(a) === argmax(b)) o.agree++;
      if (labels && i === scored) {
        if (argmax(a) === labels[s]) floatRight++;
        if (argmax(b) === labels[s]) quantRight++;
      }
    });
  });
  const n = samples.length;
  const layerResults = layers.results();
  const drop = largestDrop(program, layerResults);
  return {
    samples: n,
    layers: layerResults,
    ...(drop ? { largestDrop: drop } : {}),
    outputs: program.outputs.map((o, i) => ({
      name: o.name,
      kind: kinds[i]!.kind,
      kindReason: kinds[i]!.reason,
      sqnrDb: outs[i]!.sqnr.db,
      cosine: outs[i]!.cosine / n,
      maxAbsError: outs[i]!.maxAbs,
      ...(kinds[i]!.kind === "classes" ? { top1Agreement: outs[i]!.agree / n } : {}),
    })),
    ...(labels && scored >= 0 ? { accuracy: { output: program.outputs[scored]!.name, float: floatRight / n, quantized: quantRight / n } } : {}),
    floatFallbacks: q.fallbacks,
  };
}

const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : "exact");

/** The report as text: one line per layer (the largest drop marked), then each output with the metrics of its kind. */
export function formatEvalReport(r: EvalReport): string {
  const lines = [`${r.samples} samples; per-layer error of the quantized program vs the float program:`, `  ${"SQNR".padStart(10)}  ${"cosine".padStart(8)}  dtype  tensor`];
  for (const l of r.layers) {
    const mark = r.largestDrop?.tensor === l.tensor ? `   <- largest drop (${(r.largestDrop.fromDb - r.largestDrop.toDb).toFixed(2)} dB from its inputs)` : "";
    lines.push(`  ${db(l.sqnrDb).padStart(10)}  ${l.cosine.toFixed(5).padStart(8)}  ${l.dtype.padEnd(5)}  ${l.tensor}${mark}`);
  }
  for (const o of r.outputs) {
    const top1 = o.top1Agreement === undefined ? "" : `, top-1 agreement with float ${(100 * o.top1Agreement).toFixed(2)}%`;
    lines.push(`output ${o.name} (${o.kind}: ${o.kindReason}): SQNR ${db(o.sqnrDb)}, cosine ${o.cosine.toFixed(5)}, max |error| ${o.maxAbsError.toPrecision(4)}${top1}`);
  }
  if (r.accuracy) lines.push(`accuracy of ${r.accuracy.output}: float ${(100 * r.accuracy.float).toFixed(2)}%, quantized ${(100 * r.accuracy.quantized).toFixed(2)}%`);
  if (r.layers.length > 0) {
    const worst = r.layers.reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a));
    lines.push(`worst layer: ${worst.tensor} (${db(worst.sqnrDb)})`);
  }
  if (r.largestDrop) lines.push(`largest drop: ${r.largestDrop.tensor} (${db(r.largestDrop.fromDb)} -> ${db(r.largestDrop.toDb)})`);
  for (const f of r.floatFallbacks) lines.push(`float: ${f.node} (${f.op}): ${f.reason}`);
  return lines.join("\n");
}
