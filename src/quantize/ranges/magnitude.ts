import type { Histogram } from "../stats.js";

/** Which values a magnitude histogram counts: the positive ones, the negative ones, or all (|x|). */
export type Side = "positive" | "negative" | "both";

/** Counts of |x| over [0, counts.length * width): `width` is the source histogram's bin width. */
export interface MagnitudeHistogram {
  readonly counts: Float64Array;
  readonly width: number;
}

/**
 * The histogram of |x| for the values on `side` of zero, re-binned from the two-sided histogram
 * by bin centres at the same bin width (KL's threshold search works on magnitudes, as in
 * TensorRT's entropy calibration). Empty when the side holds no values.
 */
export function magnitudeHistogram(h: Histogram, side: Side): MagnitudeHistogram {
  const width = (h.hi - h.lo) / h.counts.length;
  const extent = side === "positive" ? Math.max(h.hi, 0) : side === "negative" ? Math.max(-h.lo, 0) : Math.max(h.hi, -h.lo);
  const bins = width > 0 ? Math.max(1, Math.ceil(extent / width)) : 1;
  const counts = new Float64Array(bins);
  for (let b = 0; b < h.counts.length; b++) {
    const c = h.counts[b]!;
    if (c === 0) continue;
    const center = h.lo + (b + 0.5) * width;
    if ((side === "positive" && center <= 0) || (side === "negative" && center >= 0)) continue;
    const k = width > 0 ? Math.min(bins - 1, Math.floor(Math.abs(center) / width)) : 0;
    counts[k]! += c;
  }
  return { counts, width };
}
