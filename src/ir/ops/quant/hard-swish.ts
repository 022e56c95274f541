import { fail } from "../../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { sameShapeInPlace } from "../same-shape-in-place.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, quantizeMultiplier } from "./fixed-point.js";
import { readQParams, requireQ } from "./qparams.js";

/**
 * QHardSwish (int8): TFLite's reference_ops::HardSwish with TFLite Micro's HardSwishPrepare, in
 * 16-bit fixed point. x - zp is put on a "hires" scale (x 2^7); one 16-bit multiplier brings it to
 * the output scale, another maps [-3, 3] onto [-1, 1] (saturating, with a careful left shift), the
 * latter is moved to [0, 1] and multiplied in with a truncating doubling high-mul, and a final
 * rounding right shift lands on the output scale. Every intermediate is int16 as in the C++
 * (gemmlowp's int16 SaturatingRoundingDoublingHighMul and RoundingDivideByPOT). Kernel:
 * runtime-c/kernels/qhardswish_i8.c.
 */

const INT16_MIN = -32768;
const INT16_MAX = 32767;

/** C's conversion of an int to int16_t on two's-complement targets (wraps). */
const toInt16 = (x: number) => (x << 16) >> 16;

/** DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15, saturating. */
function downScaleToInt16(multiplier: number): number {
  if (multiplier >= 2147483647 - (1 << 15)) return INT16_MAX;
  return (multiplier + (1 << 15)) >> 16;
}

/** gemmlowp SaturatingRoundingDoublingHighMul<int16_t>. */
function srdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  return toInt16(Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 32768));
}

/** TFLite's SaturatingDoublingHighMul: like srdhm16 but rounding toward zero. */
function sdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  return toInt16(Math.trunc((a * b) / 32768));
}

/**
 * gemmlowp RoundingDivideByPOT<int16_t>(x, exponent), exponent 0..31: the mask is
 * int16((1 << exponent) - 1), i.e. -1 from exponent 16 on, which the C++ computes as written.
 */
export function rdbpot16(x: number, exponent: number): number {
  const mask = exponent >= 16 ? -1 : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = toInt16((mask >> 1) + (x < 0 ? 1 : 0));
  return toInt16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/** TFLite's SaturatingLeftShift on int16. */
function saturatingLeftShift16(x: number, amount: number): number {
  return clampInt(x * 2 ** amount, INT16_MIN, INT16_MAX);
}

/** [n, x zp, y zp, output multiplier (Q15), output exponent, reluish multiplier (Q15), reluish exponent]. */
function planHardSwish(node: Node, x: ValueInfo | undefined): number[] {
  requireQ(node, x, "input", ["int8"]);
  const xq = readQParams(node, "x", "int8");
  const yq = readQParams(node, "y", "int8");
  // HardSwishPrepare computes the ratios in float32 before promoting them to double.
  const hiresInputScale = f32(xq.scale / 128);
  const reluishScale = f32(3 / 32768);
  const out = quantizeMultiplier(f32(hiresInputScale / yq.scale));
  const reluish = quantizeMultiplier(f32(hiresInputScale / reluishScale));
  if (out.shift > 0) {
    fail("bad-attribute", nodeLabel(node), `y_scale ${yq.scale} is below x_scale / 128 (${hiresInputScale}); TFLite's int8 HardSwish requires output_multiplier_exponent <= 0`);
  }
  if (reluish.shift > 31) fail("bad-attribute", nodeLabel(node), `x_scale ${xq.scale} is too large for TFLite's int8 HardSwish (reluish exponent ${reluish.shift} > 31)`);
  const n = x!.shape.reduce((a, b) => a * b, 1);
  return [n, xq.zeroPoint, yq.zeroPoint, downScaleToInt16(out.multiplier), out.shift, downScaleToInt16(reluish.multiplier), reluish.shift];
}

/** One output value; the same steps, in the same int16 types, as eg_qhardswish_i8. */
export function hardSwishOne(v: number, p: readonly number[]): number {
  const hires = toInt16((v - p[1]!) * 128);
  const preshiftOutput = srdhm16(hires, p[3]!);
  const reluishExponent = p[6]!;
  let reluish = hires;
  if (reluishExponent > 0) reluish = saturatingLeftShift16(reluish, reluishExponent - 1);
  reluish = srdhm16(reluish, p[5]!);
  if (reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
  if (reluishExponent < 0) reluish = rdbpot16(reluish, -reluishExponent);
  reluish = toInt16((reluish + (1 << 15)) >> 1);
  const preshift = sdhm16(reluish, preshiftOutput);
  const output = toInt16(rdbpot16(preshift, -p[4]!) + p[2]!);
  return clampInt(output, -128, 127);
}

const QHardSwish: OpDef = {
  name: "QHardSwish",
  family: "quant",
  dataTypes: "int8",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    planHardSwish(node, x);
    return [{ dtype: "int8", shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const p = planHardSwish(node, x);
    return [Tensor.fromNumbers("int8", x!.shape, Array.from(x!.toNumbers(), (v) => hardSwishOne(v, p)))];
  },
  // The kernel computes y[i] from x[i] alone, in order.
  inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
  emitC(node, ctx) {
    const p = planHardSwish(node, ctx.info(node.inputs[0]!));
    ctx.useRuntime("qhardswish_i8");
    ctx.line(`eg_qhardswish_i8(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int32_t", p)});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_HARD_SWISH_OPS: readonly OpDef[] = [QHardSwish];
