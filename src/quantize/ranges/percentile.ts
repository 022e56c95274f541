import { fail } from "../../errors.js";
import type { Histogram } from "../stats.js";
import type { RangeMethod } from "./types.js";

/** Share of values kept inside the range (each tail gives up half of the rest). */
export const DEFAULT_PERCENTILE = 99.99;

/** Value below which `fraction` of the histogram's mass lies (linear inside the bin). */
export function quantile(h: Histogram, fraction: number): number {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const target = fraction * total;
  const width = (h.hi - h.lo) / h.counts.length;
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) {
    const c = h.counts[b]!;
    if (seen + c >= target && c > 0) return h.lo + width * (b + (target - seen) / c);
    seen += c;
  }
  return h.hi;
}

/**
 * Clips the outermost (100 - p)% of the values, half on each side: robust to rare outliers, but
 * blind to how much the clipped values matter.
 */
export function percentileRange(percent = DEFAULT_PERCENTILE): RangeMethod {
  return (stats) => {
    const h = stats.histogram;
    if (!h) return fail("internal", "percentile calibration", "the tensor has no histogram");
    const tail = (1 - percent / 100) / 2;
    return { lo: Math.max(stats.min, quantile(h, tail)), hi: Math.min(stats.max, quantile(h, 1 - tail)) };
  };
}
