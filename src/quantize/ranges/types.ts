import type { TensorStats } from "../stats.js";

/** A real-valued interval to map onto the integer codes (always contains 0 after `withZero`). */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** Facts a method needs besides the statistics: how many integer levels the dtype has. */
export interface RangeContext {
  /** 256 for int8/uint8, 65536 for int16. */
  readonly levels: number;
  /** int16 activations are symmetric (TFLite's 16x8 kernels take zero point 0). */
  readonly symmetric: boolean;
}

export type RangeMethod = (stats: TensorStats, cx: RangeContext) => Range;

/** The interval widened to contain 0: zero must be exactly representable (padding, ReLU). */
export function withZero(r: Range): Range {
  return { lo: Math.min(r.lo, 0), hi: Math.max(r.hi, 0) };
}
