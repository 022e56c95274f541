import type { Tensor } from "../ir/tensor.js";

/**
 * Per-tensor statistics collected over the calibration samples: the observed range and, for the
 * methods that need the distribution, a histogram of `bins` equal bins over [min, max] of the
 * whole run (a second pass, once the range is known, so no re-binning is ever needed).
 */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: Float64Array;
}

export interface TensorStats {
  min: number;
  max: number;
  /** Number of values observed (over all samples). */
  count: number;
  /**
   * The smallest maximum along the last axis of any row seen (a row: all other indices fixed):
   * for a Softmax input, how low the largest logit of an input goes.
   */
  rowMaxMin: number;
  /**
   * Exact zeros seen by the histogram pass. They are kept out of the histogram: zero is always
   * exactly representable (the range contains it and the zero point is its code), so they carry
   * no quantization error, and ReLU's spike of them would otherwise swamp the bin around 0.
   */
  zeros: number;
  histogram?: Histogram;
}

export const HISTOGRAM_BINS = 2048;

export function emptyStats(): TensorStats {
  return { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, count: 0, zeros: 0, rowMaxMin: Number.POSITIVE_INFINITY };
}

/** Widens `stats` to cover `t` (NaN values are ignored: they have no quantized code). */
export function observeRange(stats: TensorStats, t: Tensor): void {
  const d = t.data;
  const row = t.shape.length > 0 ? Math.max(1, t.shape[t.shape.length - 1]!) : 1;
  let lo = stats.min;
  let hi = stats.max;
  let rowMaxMin = stats.rowMaxMin;
  let rowMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v > rowMax) rowMax = v;
    if ((i + 1) % row === 0) {
      if (rowMax < rowMaxMin) rowMaxMin = rowMax;
      rowMax = Number.NEGATIVE_INFINITY;
    }
  }
  stats.min = lo;
  stats.max = hi;
  stats.rowMaxMin = rowMaxMin;
  stats.count += d.length;
}

/** Adds `t` to the histogram over the range found by the first pass (values outside clamp to the end bins). */
export function observeHistogram(stats: TensorStats, t: Tensor, bins = HISTOGRAM_BINS): void {
  if (!(stats.max >= stats.min)) return;
  stats.histogram ??= { lo: stats.min, hi: stats.max, counts: new Float64Array(bins) };
  const { lo, hi, counts } = stats.histogram;
  const width = (hi - lo) / bins;
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (Number.isNaN(v)) continue;
    if (v === 0) {
      stats.zeros++;
      continue;
    }
    const b = width > 0 ? Math.floor((v - lo) / width) : 0;
    counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]! += 1;
  }
}

/** Centre of bin `b`. */
export function binCenter(h: Histogram, b: number): number {
  return h.lo + ((b + 0.5) * (h.hi - h.lo)) / h.counts.length;
}
