import type { Tensor } from "../src/ir/tensor.js";

/** Summary statistics of one side's per-call times (microseconds). */
export interface CallStats {
  readonly calls: number;
  readonly fastest: number;
  readonly median: number;
  /** Median absolute deviation from the median: the spread the load caused. */
  readonly mad: number;
}

export function callStats(times: readonly number[]): CallStats {
  if (times.length === 0) throw new Error("no timed calls");
  const med = median(times);
  return { calls: times.length, fastest: Math.min(...times), median: med, mad: median(times.map((t) => Math.abs(t - med))) };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function geomean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/**
 * Egret's outputs against onnxruntime's: the largest absolute difference and whether every element
 * is within atol + rtol * |reference| (the conformance tolerances; NaN must meet NaN).
 */
export function agreement(egret: readonly Tensor[], ort: readonly Tensor[], rtol: number, atol: number): { ok: boolean; maxAbs: number } {
  let ok = egret.length === ort.length;
  let maxAbs = 0;
  egret.forEach((t, k) => {
    const a = t.toNumbers();
    const b = ort[k]?.toNumbers();
    if (b === undefined || a.length !== b.length) {
      ok = false;
      return;
    }
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        ok &&= Number.isNaN(x) === Number.isNaN(y);
        continue;
      }
      const d = Math.abs(x - y);
      maxAbs = Math.max(maxAbs, d);
      ok &&= d <= atol + rtol * Math.abs(y);
    }
  });
  return { ok, maxAbs };
}
