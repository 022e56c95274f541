import { fail } from "../../errors.js";
import { magnitudeHistogram } from "./magnitude.js";
import type { RangeMethod } from "./types.js";

/**
 * Entropy calibration (TensorRT's method): the clipping threshold T on |x| whose quantized
 * distribution (the kept bins merged into as many bins as there are integer levels on that side)
 * is closest in Kullback-Leibler divergence to the original, with the clipped mass piled into the
 * last kept bin. One-sided tensors (ReLU outputs) get all the levels on their side.
 */
export const klRange: RangeMethod = (stats, cx) => {
  const h = stats.histogram;
  if (!h) return fail("internal", "KL calibration", "the tensor has no histogram");
  const oneSided = stats.min >= 0 || stats.max <= 0;
  const target = Math.max(2, oneSided && !cx.symmetric ? cx.levels - 1 : Math.floor(cx.levels / 2));
  const { counts, width } = magnitudeHistogram(h);
  // Exact zeros (ReLU's spike) are represented exactly whatever the range: left in, merging
  // them with their neighbours would dominate the divergence and push the threshold down.
  counts[0] = 0;
  const n = counts.length;
  if (width === 0 || target >= n) return { lo: stats.min, hi: stats.max };
  let bestKl = Number.POSITIVE_INFINITY;
  let bestI = n;
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let outside = 0;
  for (let b = target; b < n; b++) outside += counts[b]!;
  for (let i = target; i <= n; i++) {
    // Reference P: the first i bins, the mass beyond folded into the last kept bin.
    for (let b = 0; b < i; b++) p[b] = counts[b]!;
    p[i - 1]! += outside;
    if (i < n) outside -= counts[i]!;
    // Candidate Q: the i bins merged into `target` groups, each group's mass spread evenly over its non-empty bins.
    for (let g = 0; g < target; g++) {
      const start = Math.floor((g * i) / target);
      const end = g === target - 1 ? i : Math.floor(((g + 1) * i) / target);
      let mass = 0;
      let nonEmpty = 0;
      for (let b = start; b < end; b++) {
        mass += counts[b]!;
        if (counts[b]! > 0) nonEmpty++;
      }
      for (let b = start; b < end; b++) q[b] = counts[b]! > 0 ? mass / nonEmpty : 0;
    }
    const kl = divergence(p, q, i);
    if (kl < bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  const threshold = (bestI + 0.5) * width;
  return { lo: Math.max(stats.min, -threshold), hi: Math.min(stats.max, threshold) };
};

/** KL(P || Q) of the first `n` entries, both normalised; a P bin that Q misses costs a large finite penalty. */
function divergence(p: Float64Array, q: Float64Array, n: number): number {
  let ps = 0;
  let qs = 0;
  for (let b = 0; b < n; b++) {
    ps += p[b]!;
    qs += q[b]!;
  }
  if (ps === 0 || qs === 0) return Number.POSITIVE_INFINITY;
  let kl = 0;
  for (let b = 0; b < n; b++) {
    const pb = p[b]! / ps;
    if (pb === 0) continue;
    const qb = q[b]! / qs;
    kl += qb > 0 ? pb * Math.log(pb / qb) : pb * 20;
  }
  return kl;
}
