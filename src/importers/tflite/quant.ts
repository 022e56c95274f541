import { DTYPES, type DType } from "../../ir/dtype.js";
import type { Attrs } from "../../ir/graph.js";
import type { OpContext } from "./context.js";
import type { TfliteTensor } from "./model.js";

/**
 * Quantization parameters of TFLite tensors as the attributes of the integer ops
 * (docs/quantized-ops.md), and TFLite's fused-activation clamp in the quantized domain.
 */
export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Fused activation codes (ActivationFunctionType). */
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_RELU_N1_TO_1 = 2;
export const ACT_RELU6 = 3;
const ACT_NAMES = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"];

export function activationName(code: number): string {
  return ACT_NAMES[code] ?? `activation ${code}`;
}

/** Activations the integer path runs: int8 and int16 (TFLite's full-integer schemes). */
export function isQuantizedDtype(d: DType): boolean {
  return d === "int8" || d === "int16";
}

/** Per-tensor scale and zero point; fails when the tensor has none or they are unusable. */
export function qparams(cx: OpContext, t: TfliteTensor): QParams {
  const q = t.quantization;
  if (!q) cx.fail("bad-attribute", `tensor "${t.name}" is ${cx.dtype(t)} but has no quantization parameters (scale, zero point)`);
  const scale = q.scale[0]!;
  const zeroPoint = q.zeroPoint[0] ?? 0;
  if (!(scale > 0) || !Number.isFinite(scale)) cx.fail("bad-attribute", `tensor "${t.name}" has quantization scale ${scale}; it must be a positive finite number`);
  const range = DTYPES[cx.dtype(t)];
  if (!(zeroPoint >= range.min && zeroPoint <= range.max)) cx.fail("bad-attribute", `tensor "${t.name}" has zero point ${zeroPoint}, outside the ${cx.dtype(t)} range`);
  return { scale, zeroPoint };
}

/** `<prefix>_scale` and `<prefix>_zero_point` attributes of a tensor. */
export function qAttrs(cx: OpContext, t: TfliteTensor, prefix: "x" | "y" | "a" | "b"): Attrs {
  const q = qparams(cx, t);
  return { [`${prefix}_scale`]: q.scale, [`${prefix}_zero_point`]: q.zeroPoint };
}

/**
 * Weight scales: one per output channel (along the filter's quantized_dimension, which must be
 * `axis`) or one for the whole tensor. TFLite's integer kernels take symmetric weights only.
 */
export function weightScales(cx: OpContext, w: TfliteTensor, axis: number): number[] {
  const q = w.quantization;
  if (!q) cx.fail("bad-attribute", `weight tensor "${w.name}" has no quantization parameters`);
  const channels = w.shape[axis];
  if (q.scale.length !== 1 && (q.scale.length !== channels || q.quantizedDimension !== axis)) {
    cx.fail("bad-attribute", `weight tensor "${w.name}" has ${q.scale.length} scales along dimension ${q.quantizedDimension}; expected 1, or ${channels} along dimension ${axis}`);
  }
  if (q.zeroPoint.some((z) => z !== 0)) cx.fail("bad-attribute", `weight tensor "${w.name}" has a non-zero zero point; TFLite's integer kernels take symmetric weights (zero point 0)`);
  if (q.scale.some((s) => !(s > 0) || !Number.isFinite(s))) cx.fail("bad-attribute", `weight tensor "${w.name}" has a scale that is not a positive finite number`);
  return [...q.scale];
}

/** std::round on a float: half away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * CalculateActivationRangeQuantized: the clamp [act_min, act_max] of a fused activation in the
 * output's quantized domain, `zero_point + round(f / scale)` (float32 division) intersected with
 * the dtype's range.
 */
export function activationRange(cx: OpContext, activation: number, out: TfliteTensor): { act_min: number; act_max: number } {
  const dtype = cx.dtype(out);
  const qmin = DTYPES[dtype].min;
  const qmax = DTYPES[dtype].max;
  const { scale, zeroPoint } = qparams(cx, out);
  const quantize = (f: number) => {
    const q = zeroPoint + roundHalfAway(Math.fround(f / Math.fround(scale)));
    return Math.min(Math.max(q, -(2 ** 31)), 2 ** 31 - 1);
  };
  switch (activation) {
    case ACT_NONE:
      return { act_min: qmin, act_max: qmax };
    case ACT_RELU:
      return { act_min: Math.max(qmin, quantize(0)), act_max: qmax };
    case ACT_RELU6:
      return { act_min: Math.max(qmin, quantize(0)), act_max: Math.min(qmax, quantize(6)) };
    case ACT_RELU_N1_TO_1:
      return { act_min: Math.max(qmin, quantize(-1)), act_max: Math.min(qmax, quantize(1)) };
    default:
      return cx.fail("bad-attribute", `fused activation ${activationName(activation)} is not supported on integer tensors (NONE, RELU, RELU6, RELU_N1_TO_1)`);
  }
}
