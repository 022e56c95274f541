import { fail } from "../../errors.js";
import { binCenter, type Histogram } from "../stats.js";
import { withZero, type Range, type RangeMethod } from "./types.js";

/** Candidate bounds: the observed bound scaled by 1, 0.99, ..., 0.01. */
const SHRINK_STEPS = 100;

/**
 * The range with the least expected squared error over the histogram (rounding error inside the
 * range plus clipping error outside). Each bound is searched in turn over its observed value
 * scaled towards zero, the other held (upper, lower, upper again): a lone outlier on one side is
 * clipped without clipping the other.
 */
export const mseRange: RangeMethod = (stats, cx) => {
  const h = stats.histogram;
  if (!h) return fail("internal", "MSE calibration", "the tensor has no histogram");
  let best: Range = withZero({ lo: stats.min, hi: stats.max });
  let bestJoint = Number.POSITIVE_INFINITY;
  const search = (side: "lo" | "hi") => {
    let bestErr = Number.POSITIVE_INFINITY;
    let chosen = best;
    for (let k = 0; k < SHRINK_STEPS; k++) {
      const f = 1 - k / SHRINK_STEPS;
      const candidate = side === "hi" ? { lo: best.lo, hi: Math.max(stats.max, 0) * f } : { lo: Math.min(stats.min, 0) * f, hi: best.hi };
      const err = expectedError(h, candidate, cx.levels, cx.symmetric);
      if (err < bestErr) {
        bestErr = err;
        chosen = candidate;
      }
    }
    best = chosen;
  };
  for (let k = 0; k < SHRINK_STEPS; k++) {
    const f = 1 - k / SHRINK_STEPS;
    const candidate = withZero({ lo: stats.min * f, hi: stats.max * f });
    const err = expectedError(h, candidate, cx.levels, cx.symmetric);
    if (err < bestJoint) { bestJoint = err; best = candidate; }
  }
  return best;
};

/** Sum over bins of count * (centre - dequantize(quantize(centre)))^2. */
function expectedError(h: Histogram, r: Range, levels: number, symmetric: boolean): number {
  const maxAbs = Math.max(-r.lo, r.hi);
  const scale = symmetric ? maxAbs / (levels / 2 - 1) : (r.hi - r.lo) / (levels - 1);
  if (!(scale > 0)) return Number.POSITIVE_INFINITY;
  const qmin = symmetric ? -(levels / 2 - 1) : 0;
  const qmax = symmetric ? levels / 2 - 1 : levels - 1;
  const zero = symmetric ? 0 : Math.round(-r.lo / scale);
  let err = 0;
  for (let b = 0; b < h.counts.length; b++) {
    const c = h.counts[b]!;
    if (c === 0) continue;
    const x = binCenter(h, b);
    const q = Math.min(qmax, Math.max(qmin, Math.round(x / scale) + zero));
    const d = x - (q - zero) * scale;
    // Bins are 8x narrower than an int8 step, so the centres' rounding errors already sample
    // the in-range error; outside the range d is the clipping error.
    err += c * d * d;
  }
  return err;
}
