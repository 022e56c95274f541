import type { Tensor } from "../ir/tensor.js";
import { LayerComparison, type LayerError } from "./layer-compare.js";
import { argmax, cosineSimilarity, SqnrAccumulator } from "./metrics.js";
import type { Sample } from "./calibrate.js";
import type { PtqResult } from "./ptq.js";

/** What `egret eval` reports: float vs integer program on the same inputs. */
export interface EvalReport {
  readonly samples: number;
  readonly layers: readonly LayerError[];
  /** Per graph output: SQNR of the quantized output against the float one, mean cosine. */
  readonly outputs: readonly { readonly name: string; readonly sqnrDb: number; readonly cosine: number; readonly maxAbsError: number }[];
  /** Share of samples whose first output has the same argmax in both programs. */
  readonly top1Agreement: number;
  /** With labels: share of samples whose argmax is the label, per program. */
  readonly accuracy?: { readonly float: number; readonly quantized: number };
  readonly floatFallbacks: readonly { readonly node: string; readonly op: string; readonly reason: string }[];
}

/**
 * Runs the float program and the integer program (the reference evaluator: bit-exact with the
 * generated C) on every sample and compares them layer by layer and at the outputs.
 */
export function evaluateQuantized(q: PtqResult, samples: readonly Sample[], labels?: readonly number[]): EvalReport {
  const layers = new LayerComparison(q.floatProgram, q.graph, q.copies, q.ops);
  const outs = q.floatProgram.outputs.map(() => ({ sqnr: new SqnrAccumulator(), cosine: 0, maxAbs: 0 }));
  let agree = 0;
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
    });
    const fTop = argmax(float[0]!.toNumbers());
    const qTop = argmax(quantized[0]!.toNumbers());
    if (fTop === qTop) agree++;
    if (labels) {
      if (fTop === labels[s]) floatRight++;
      if (qTop === labels[s]) quantRight++;
    }
  });
  const n = samples.length;
  return {
    samples: n,
    layers: layers.results(),
    outputs: q.floatProgram.outputs.map((o, i) => ({ name: o.name, sqnrDb: outs[i]!.sqnr.db, cosine: outs[i]!.cosine / n, maxAbsError: outs[i]!.maxAbs })),
    top1Agreement: agree / n,
    ...(labels ? { accuracy: { float: floatRight / n, quantized: quantRight / n } } : {}),
    floatFallbacks: q.fallbacks,
  };
}

/** The report as text: one line per layer, then the output figures. */
export function formatEvalReport(r: EvalReport): string {
  const db = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : "exact");
  const lines = [`${r.samples} samples; per-layer error of the quantized program vs the float program:`, `  ${"SQNR".padStart(10)}  ${"cosine".padStart(8)}  dtype  tensor`];
  for (const l of r.layers) lines.push(`  ${db(l.sqnrDb).padStart(10)}  ${l.cosine.toFixed(5).padStart(8)}  ${l.dtype.padEnd(5)}  ${l.tensor}`);
  for (const o of r.outputs) lines.push(`output ${o.name}: SQNR ${db(o.sqnrDb)}, cosine ${o.cosine.toFixed(5)}, max |error| ${o.maxAbsError.toPrecision(4)}`);
  lines.push(`top-1 agreement with float: ${(100 * r.top1Agreement).toFixed(2)}%`);
  if (r.accuracy) lines.push(`accuracy: float ${(100 * r.accuracy.float).toFixed(2)}%, quantized ${(100 * r.accuracy.quantized).toFixed(2)}%`);
  if (r.layers.length > 0) {
    const worst = r.layers.reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a));
    lines.push(`worst layer: ${worst.tensor} (${db(worst.sqnrDb)})`);
  }
  for (const f of r.floatFallbacks) lines.push(`float: ${f.node} (${f.op}): ${f.reason}`);
  return lines.join("\n");
}
