import { fail } from "../../errors.js";
import { quantizationError } from "./error.js";
import { withZero, type Range, type RangeMethod } from "./types.js";

/** Candidate bounds: the observed bound scaled by 1, 0.99, ..., 0.01. */
const SHRINK_STEPS = 100;

/**
 * The range with the least expected squared error over the histogram (rounding error inside the
 * range plus clipping error outside): first both bounds scaled together (the observed range times
 * 1, 0.99, ..., 0.01), then each bound in turn over its observed value scaled the same way, the
 * other held (upper, lower, upper again), so a lone outlier on one side is clipped without
 * clipping the other. Each step keeps the best so far: the error never grows.
 */
export const mseRange: RangeMethod = (stats, cx) => {
  const h = stats.histogram;
  if (!h) return fail("internal", "MSE calibration", "the tensor has no histogram");
  let best: Range = withZero({ lo: stats.min, hi: stats.max });
  let bestErr = quantizationError(h, best, cx);
  const consider = (candidate: Range) => {
    const err = quantizationError(h, candidate, cx);
    if (err < bestErr) {
      bestErr = err;
      best = candidate;
    }
  };
  const scaled = (f: number, side: "lo" | "hi" | "both"): Range => ({
    lo: side === "hi" ? best.lo : Math.min(stats.min, 0) * f,
    hi: side === "lo" ? best.hi : Math.max(stats.max, 0) * f,
  });
  for (const side of ["both", "hi", "lo", "hi"] as const) {
    for (let k = 1; k < SHRINK_STEPS; k++) consider(scaled(1 - k / SHRINK_STEPS, side));
  }
  return best;
};
