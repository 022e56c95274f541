import { fail } from "../../../errors.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { sameShapeInPlace } from "../same-shape-in-place.js";
import { Tensor } from "../../tensor.js";
import { clampInt, mbqm, quantizeMultiplier, roundHalfAway } from "./fixed-point.js";
import { readActRange, readQParams, requireQ, type QDType } from "./qparams.js";

/**
 * Conversions between float and integer and between quantizations (TFLite QUANTIZE, DEQUANTIZE,
 * RELU/RELU6 on quantized tensors):
 * - QQuantize: float32 -> int8/int16, q = clamp(round(x / scale) + zp) in float32 arithmetic
 *   (reference_ops::AffineQuantize; NaN gives the zero point).
 * - QDequantize: int8/int16 -> float32, y = scale * (q - zp) in float32.
 * - QRequantize: int -> int with one multiplier (input_scale / output_scale in double), clamped to
 *   the output type and act_min/act_max. The output type is `to` (default: the input's type).
 *   int8/int16 both ways, plus int32 in or out (TFLite QUANTIZE int16<->int32 and int32->int8,
 *   reference_ops::Requantize): the zero-point subtraction and addition wrap like TFLM's int32
 *   arithmetic (int32 zero points are 0 in practice, so nothing wraps in real models).
 * Kernels: runtime-c/kernels/qunary_i8.c.
 */

/** Reads the `to` attribute: a dtype name ("int8") or its ONNX code (3, 5); `dflt` when absent. */
export function readTo(node: Node, dflt?: QDType): QDType {
  const to = node.attrs["to"];
  if (to === undefined && dflt) return dflt;
  if (to === "int8" || to === DTYPES.int8.onnx) return "int8";
  if (to === "int16" || to === DTYPES.int16.onnx) return "int16";
  return fail("bad-attribute", nodeLabel(node), `attribute "to" must be "int8" or "int16" (or ONNX codes 3, 5), got ${JSON.stringify(to)}`);
}

const bitsOf = (d: QDType) => (d === "int8" ? 8 : 16);

/** QRequantize's storage types: the activation types plus int32 (TFLite QUANTIZE int16<->int32). */
type RequantizeDType = QDType | "int32";

const requantizeBits = (d: RequantizeDType) => (d === "int32" ? 32 : bitsOf(d));

function requireRequantizeInput(node: Node, x: ValueInfo | undefined): RequantizeDType {
  if (!x) fail("missing-tensor", nodeLabel(node), "the input is required");
  if (x.dtype === "int32") return "int32";
  if (x.dtype === "int8" || x.dtype === "int16") return x.dtype;
  return fail("unsupported-dtype", nodeLabel(node), `QRequantize takes int8 or int16 (or int32) for the input, got ${x.dtype}; dequantize float tensors first`);
}

/** QRequantize's `to`: readTo's types plus int32 ("int32" or ONNX code 6); `dflt` when absent. */
function readRequantizeTo(node: Node, dflt: RequantizeDType): RequantizeDType {
  const to = node.attrs["to"];
  if (to === undefined) return dflt;
  if (to === "int32" || to === DTYPES.int32.onnx) return "int32";
  if (to === "int8" || to === DTYPES.int8.onnx || to === "int16" || to === DTYPES.int16.onnx) return readTo(node);
  return fail("bad-attribute", nodeLabel(node), `attribute "to" must be "int8", "int16" or "int32" (or ONNX codes 3, 5, 6), got ${JSON.stringify(to)}`);
}

function requireF32(node: Node, x: ValueInfo | undefined): ValueInfo {
  if (!x) fail("missing-tensor", nodeLabel(node), "the input is required");
  if (x.dtype !== "float32") fail("unsupported-dtype", nodeLabel(node), `${node.op} takes a float32 input, got ${x.dtype}`);
  return x;
}

/** float32 x -> quantized, exactly TFLite's float arithmetic. */
export function quantizeValue(x: number, scale: number, zeroPoint: number, dtype: QDType): number {
  if (Number.isNaN(x)) return zeroPoint;
  const v = Math.max(-1e9, Math.min(1e9, Math.fround(x / scale)));
  return clampInt(roundHalfAway(v) + zeroPoint, DTYPES[dtype].min, DTYPES[dtype].max);
}

const QQuantize: OpDef = {
  name: "QQuantize",
  family: "quant",
  dataTypes: "float32 -> int8, int16",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    const to = readTo(node);
    readQParams(node, "y", to);
    return [{ dtype: to, shape: requireF32(node, x).shape }];
  },
  evaluate(node, [x]) {
    const to = readTo(node);
    const { scale, zeroPoint } = readQParams(node, "y", to);
    return [Tensor.fromNumbers(to, x!.shape, Array.from(x!.toNumbers(), (v) => quantizeValue(v, scale, zeroPoint, to)))];
  },
  // The kernel computes y[i] from x[i] alone, in order.
  inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
  emitC(node, ctx) {
    const to = readTo(node);
    const { scale, zeroPoint } = readQParams(node, "y", to);
    const n = ctx.info(node.inputs[0]!).shape.reduce((a, b) => a * b, 1);
    ctx.useRuntime("qunary_i8");
    ctx.line(`eg_quantize_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${n}, ${ctx.constArray("float", [scale])}, ${zeroPoint}, ${bitsOf(to)});`);
  },
};

const QDequantize: OpDef = {
  name: "QDequantize",
  family: "quant",
  dataTypes: "int8, int16 -> float32",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    readQParams(node, "x", requireQ(node, x, "input"));
    return [{ dtype: "float32", shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const { scale, zeroPoint } = readQParams(node, "x", requireQ(node, x, "input"));
    return [Tensor.fromNumbers("float32", x!.shape, Array.from(x!.toNumbers(), (v) => Math.fround(scale * (v - zeroPoint))))];
  },
  // The kernel computes y[i] from x[i] alone, in order.
  inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
  emitC(node, ctx) {
    const info = ctx.info(node.inputs[0]!);
    const dtype = requireQ(node, info, "input");
    const { scale, zeroPoint } = readQParams(node, "x", dtype);
    const n = info.shape.reduce((a, b) => a * b, 1);
    ctx.useRuntime("qunary_i8");
    ctx.line(`eg_dequantize_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${n}, ${ctx.constArray("float", [scale])}, ${zeroPoint}, ${bitsOf(dtype)});`);
  },
};

interface RequantizePlan {
  readonly from: RequantizeDType;
  readonly to: RequantizeDType;
  /** n, in bits, out bits, in zp, out zp, multiplier, shift, act min, act max. */
  readonly p: number[];
}

function planRequantize(node: Node, x: ValueInfo | undefined): RequantizePlan {
  const from = requireRequantizeInput(node, x);
  const to = readRequantizeTo(node, from);
  const xq = readQParams(node, "x", from);
  const yq = readQParams(node, "y", to);
  const act = readActRange(node, to);
  const m = quantizeMultiplier(xq.scale / yq.scale);
  const n = x!.shape.reduce((a, b) => a * b, 1);
  return { from, to, p: [n, requantizeBits(from), requantizeBits(to), xq.zeroPoint, yq.zeroPoint, m.multiplier, m.shift, act.min, act.max] };
}

const QRequantize: OpDef = {
  name: "QRequantize",
  family: "quant",
  dataTypes: "int8, int16, int32 (int32 only with int8/int16 on the other side)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    return [{ dtype: planRequantize(node, x).to, shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const { to, p } = planRequantize(node, x);
    // `| 0`: int32 wrap-around of TFLM's `input - zero_point` and `... + zero_point`.
    const out = Array.from(x!.toNumbers(), (v) => clampInt((mbqm((v - p[3]!) | 0, p[5]!, p[6]!) + p[4]!) | 0, p[7]!, p[8]!));
    return [Tensor.fromNumbers(to, x!.shape, out)];
  },
  // The kernel computes y[i] from x[i] alone, in order.
  inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
  emitC(node, ctx) {
    const { p } = planRequantize(node, ctx.info(node.inputs[0]!));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qunary_i8");
    ctx.line(`eg_qrequantize(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int32_t", p)});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_CONVERT_OPS: readonly OpDef[] = [QQuantize, QDequantize, QRequantize];
