import { binCenter, type Histogram } from "../stats.js";
import type { Range, RangeContext } from "./types.js";

/**
 * Squared error of quantizing the histogram's values with range `r`, the measure every range is
 * judged by: sum over bins of count * (centre - dequantize(quantize(centre)))^2, rounding error
 * inside the range and clipping error outside it. Exact zeros are not in the histogram: zero is
 * always a code, so they cost nothing. Bins are 8x narrower than an int8 step over the observed
 * range, so the centres' rounding errors sample the in-range error.
 */
export function quantizationError(h: Histogram, r: Range, cx: RangeContext): number {
  const { levels, symmetric } = cx;
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
    err += c * d * d;
  }
  return err;
}
