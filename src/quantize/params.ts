import { DTYPES } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor.js";
import { withZero, type Range } from "./ranges/index.js";

/** Activation storage types of the integer kernels. */
export type ActDType = "int8" | "int16";

export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Scale and zero point of an activation with real range `r` (widened to contain 0, so zero is
 * exact). int8 is asymmetric over [-128, 127]; int16 is symmetric with zero point 0 (TFLite's
 * 16x8 kernels ignore zero points). Scales are float32 values: the kernels compute with those.
 */
export function activationParams(r: Range, dtype: ActDType): QParams {
  const { lo, hi } = withZero(r);
  if (dtype === "int16") {
    const maxAbs = Math.max(-lo, hi);
    return { scale: Math.fround(maxAbs > 0 ? maxAbs / 32767 : 1 / 32767), zeroPoint: 0 };
  }
  if (!(hi > lo)) return { scale: Math.fround(1 / 255), zeroPoint: -128 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.min(127, Math.max(-128, Math.round(-128 - lo / scale)));
  return { scale, zeroPoint };
}

/** The real value of integer code `q`. */
export function dequantizeCode(q: number, p: QParams): number {
  return p.scale * (q - p.zeroPoint);
}

/** The integer code nearest to `x` (half away from zero, like TFLite), clamped to the dtype. */
export function quantizeReal(x: number, p: QParams, dtype: ActDType): number {
  const v = Math.fround(x / p.scale);
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return Math.min(DTYPES[dtype].max, Math.max(DTYPES[dtype].min, r + p.zeroPoint));
}

export interface QuantizedWeights {
  readonly tensor: Tensor;
  /** One scale per slice along the channel axis, or a single scale (per-tensor). */
  readonly scales: number[];
}

/**
 * Symmetric int8 weights over [-127, 127] (TFLite's weight scheme: zero point 0, the -128 code
 * unused so that negation is exact), one scale per slice along `axis` or one for the tensor.
 */
export function quantizeWeights(w: Tensor, axis: number, perChannel: boolean): QuantizedWeights {
  const values = w.toNumbers();
  const channels = w.shape[axis]!;
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (perChannel ? Math.floor(i / inner) % channels : 0);
  const scales = weightScales(w, axis, perChannel);
  const q = new Int8Array(values.length);
  values.forEach((v, i) => {
    const r = v / scales[channelOf(i)]!;
    q[i] = Math.min(127, Math.max(-127, Math.sign(r) * Math.round(Math.abs(r))));
  });
  return { tensor: new Tensor("int8", w.shape, q), scales };
}

/** max |w| / 127 per slice along `axis` (or over the tensor), as float32; 1 for an all-zero slice. */
export function weightScales(w: Tensor, axis: number, perChannel: boolean): number[] {
  const values = w.toNumbers();
  const channels = w.shape[axis]!;
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(perChannel ? channels : 1);
  values.forEach((v, i) => {
    const c = perChannel ? Math.floor(i / inner) % channels : 0;
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(v));
  });
  return Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1));
}

/**
 * Bias in the accumulator's scale x_scale * w_scale[c]: int32 for int8 activations (saturated),
 * int64 for int16 (TFLite's 16x8 kernels).
 */
export function quantizeBias(b: Tensor | undefined, channels: number, xScale: number, wScales: readonly number[], dtype: ActDType): Tensor {
  const values = b ? b.toNumbers() : new Float64Array(channels);
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = xScale * (wScales.length === 1 ? wScales[0]! : wScales[c]!);
    const r = (values.length === 1 ? values[0]! : values[c]!) / s;
    out[c] = Math.sign(r) * Math.round(Math.abs(r));
    if (dtype === "int8") out[c] = Math.min(2147483647, Math.max(-2147483648, out[c]!));
  }
  return Tensor.fromNumbers(dtype === "int8" ? "int32" : "int64", [channels], out);
}
