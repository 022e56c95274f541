import type { Histogram } from "../stats.js";

/**
 * The histogram of |x| over [0, max |x|] with `bins` bins, re-binned from the two-sided histogram
 * by bin centres: KL's threshold search works on magnitudes (TensorRT's entropy calibration).
 */
export function magnitudeHistogram(h: Histogram, bins = h.counts.length): { counts: Float64Array; width: number } {
  const maxAbs = Math.max(Math.abs(h.lo), Math.abs(h.hi));
  const counts = new Float64Array(bins);
  const width = maxAbs / bins;
  const src = (h.hi - h.lo) / h.counts.length;
  for (let b = 0; b < h.counts.length; b++) {
    const c = h.counts[b]!;
    if (c === 0) continue;
    const center = Math.abs(h.lo + (b + 0.5) * src);
    const k = width > 0 ? Math.min(bins - 1, Math.floor(center / width)) : 0;
    counts[k]! += c;
  }
  return { counts, width };
}
