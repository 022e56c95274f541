import { fail } from "../../errors.js";
import type { TensorStats } from "../stats.js";
import { magnitudeHistogram, type MagnitudeHistogram, type Side } from "./magnitude.js";
import { withZero, type RangeMethod } from "./types.js";

/**
 * Values per integer level a side needs before its distribution is trusted: with fewer, the
 * histogram is mostly empty bins and single counts, the divergence cannot tell thresholds apart
 * and the search drifts to the smallest one (an 8-unit bottleneck or 10 logits over a handful
 * of samples collapsed that way).
 */
export const KL_MIN_VALUES_PER_LEVEL = 16;

/**
 * Most of a side's values KL may clip. Its threshold is meant to cut a tail of rare values
 * (a few hundredths of a percent on smooth data); asking for more means the divergence is driven
 * by spikes in the histogram, not by a tail.
 */
export const KL_MAX_CLIPPED_SHARE = 0.01;

/**
 * Entropy calibration (TensorRT's method) made safe for asymmetric int8 and small samples:
 * - each side of zero gets its own threshold, searched on that side's magnitudes with the levels
 *   that side has (one-sided tensors such as ReLU outputs: all of them; int16 is symmetric: one
 *   threshold on |x|). Folding both sides into |x| clipped a long side to the short one's size
 *   (logits in [-25, 2] became [-2, 2]) and put all-negative tensors far from 0 in a sliver;
 * - a side with fewer than KL_MIN_VALUES_PER_LEVEL values per level keeps its observed extreme;
 * - a threshold that would clip more than KL_MAX_CLIPPED_SHARE of a side's values is not taken
 *   (the side keeps its extreme): KL never sees how far clipped values move (they are piled into
 *   the last kept bin), and on spiky histograms (ReLU6's saturated 6s and the sums of them a
 *   depthwise layer makes) it clipped 17 % of a layer's values.
 */
export const klRange: RangeMethod = (stats, cx) => {
  const h = stats.histogram;
  if (!h) return fail("internal", "KL calibration", "the tensor has no histogram");
  const full = withZero({ lo: stats.min, hi: stats.max });
  const span = full.hi - full.lo;
  if (!(span > 0)) return full;
  if (cx.symmetric) {
    const t = sideThreshold(stats, magnitudeHistogram(h, "both"), Math.floor(cx.levels / 2) - 1, "both");
    return { lo: Math.max(full.lo, -t), hi: Math.min(full.hi, t) };
  }
  const steps = cx.levels - 1;
  const hi = full.hi > 0 ? sideThreshold(stats, magnitudeHistogram(h, "positive"), Math.round((steps * full.hi) / span), "positive") : 0;
  const lo = full.lo < 0 ? -sideThreshold(stats, magnitudeHistogram(h, "negative"), Math.round((steps * -full.lo) / span), "negative") : 0;
  return { lo: Math.max(full.lo, lo), hi: Math.min(full.hi, hi) };
};

/** KL's threshold on one side's magnitudes, or that side's observed extreme when it cannot be trusted. */
function sideThreshold(stats: TensorStats, m: MagnitudeHistogram, target: number, side: Side): number {
  const extreme = side === "positive" ? stats.max : side === "negative" ? -stats.min : Math.max(stats.max, -stats.min);
  const n = m.counts.length;
  const values = m.counts.reduce((a, b) => a + b, 0);
  if (target < 2 || target >= n || values < KL_MIN_VALUES_PER_LEVEL * target) return extreme;
  const kept = entropyThreshold(m.counts, target);
  let clipped = 0;
  for (let b = kept; b < n; b++) clipped += m.counts[b]!;
  return clipped > KL_MAX_CLIPPED_SHARE * values ? extreme : Math.min(extreme, kept * m.width);
}

/**
 * TensorRT's search: for each number of kept bins i >= target, the reference P is the first i
 * bins with the mass beyond folded into the last one, the candidate Q the same bins merged into
 * `target` groups (each group's mass spread evenly over its non-empty bins); returns the i with the
 * least KL(P || Q).
 */
function entropyThreshold(counts: Float64Array, target: number): number {
  const n = counts.length;
  let bestKl = Number.POSITIVE_INFINITY;
  let bestI = n;
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let outside = 0;
  for (let b = target; b < n; b++) outside += counts[b]!;
  for (let i = target; i <= n; i++) {
    for (let b = 0; b < i; b++) p[b] = counts[b]!;
    p[i - 1]! += outside;
    if (i < n) outside -= counts[i]!;
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
  return bestI;
}

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
