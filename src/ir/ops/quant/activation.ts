import { fail } from "../../../errors.js";
import { attrFloat } from "../../attrs.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { sameShapeInPlace } from "../same-shape-in-place.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, frexp, inputRadius, mbqm, quantizeMultiplier, rdbpot, roundHalfAway } from "./fixed-point.js";
import { logistic, tanh } from "./gemmlowp.js";
import { readQParams, requireQ, type QDType } from "./qparams.js";

/**
 * Quantized activations (TFLite reference_integer_ops logistic.h / tanh.h, reference_ops
 * leaky_relu.h, with TFLite Micro's Prepare arithmetic):
 * - QLogistic, QTanh (int8): the input is rescaled to Q4.27 (multiplier from frexp without the
 *   2^31 fold, as TFLite Micro does), gemmlowp's logistic/tanh, rounded to the fixed output
 *   quantization (logistic: scale 1/256, zero point -128; tanh: 1/128, 0). Inputs beyond the
 *   radius saturate.
 * - QLeakyRelu (int8, int16): two multipliers, x_scale/y_scale and x_scale*alpha/y_scale computed in
 *   float32 as TFLite Micro does.
 * Kernels: runtime-c/kernels/qunary_i8.c.
 */

const INPUT_INTEGER_BITS = 4;

interface SigmoidPlan {
  readonly n: number;
  /** n, x zero point, input radius, multiplier, left shift, 0 logistic / 1 tanh. */
  readonly p: number[];
}

function planSigmoid(node: Node, x: ValueInfo | undefined, isTanh: boolean): SigmoidPlan {
  requireQ(node, x, "input", ["int8"]);
  const xq = readQParams(node, "x", "int8");
  const yq = readQParams(node, "y", "int8");
  const want = isTanh ? { scale: 1 / 128, zp: 0 } : { scale: 1 / 256, zp: -128 };
  if (yq.zeroPoint !== want.zp || Math.abs(yq.scale - want.scale) > want.scale * 1e-3) {
    fail("bad-attribute", nodeLabel(node), `an int8 ${node.op} output must have y_scale ${want.scale} and y_zero_point ${want.zp} (TFLite's fixed output quantization), got ${yq.scale} and ${yq.zeroPoint}`);
  }
  const { q, e } = frexp(xq.scale * 2 ** (31 - INPUT_INTEGER_BITS));
  // static_cast<int32_t> of round(q * 2^31): 2^31 wraps to INT32_MIN on the targets TFLite runs on.
  const multiplier = roundHalfAway(q * 2 ** 31) | 0;
  const n = x!.shape.reduce((a, b) => a * b, 1);
  return { n, p: [n, xq.zeroPoint, inputRadius(INPUT_INTEGER_BITS, e), multiplier, e, isTanh ? 1 : 0] };
}

/** One logistic/tanh output; the same steps as sigmoid_one in qunary_i8.c. */
function sigmoidOne(v: number, p: readonly number[]): number {
  const input = v - p[1]!;
  if (input <= -p[2]!) return -128;
  if (input >= p[2]!) return 127;
  const inQ4 = mbqm(input, p[3]!, p[4]!);
  if (p[5] === 1) return clampInt(rdbpot(tanh(inQ4, INPUT_INTEGER_BITS), 24), -128, 127);
  return clampInt(rdbpot(logistic(inQ4, INPUT_INTEGER_BITS), 23) - 128, -128, 127);
}

function sigmoidOp(name: "QLogistic" | "QTanh"): OpDef {
  const isTanh = name === "QTanh";
  return {
    name,
    family: "quant",
    dataTypes: "int8",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer(node, [x]) {
      planSigmoid(node, x, isTanh);
      return [{ dtype: "int8", shape: x!.shape }];
    },
    evaluate(node, [x]) {
      const { p } = planSigmoid(node, x, isTanh);
      return [Tensor.fromNumbers("int8", x!.shape, Array.from(x!.toNumbers(), (v) => sigmoidOne(v, p)))];
    },
    // The kernel computes y[i] from x[i] alone, in order.
    inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
    emitC(node, ctx) {
      const { p } = planSigmoid(node, ctx.info(node.inputs[0]!), isTanh);
      ctx.useRuntime("qfixed_i8");
      ctx.useRuntime("qunary_i8");
      ctx.line(`eg_qsigmoid_i8(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int32_t", p)});`);
    },
  };
}

interface LeakyPlan {
  readonly dtype: QDType;
  /** n, bits, x zero point, y zero point, identity mult/shift, alpha mult/shift. */
  readonly p: number[];
}

function planLeaky(node: Node, x: ValueInfo | undefined): LeakyPlan {
  const dtype = requireQ(node, x, "input");
  const xq = readQParams(node, "x", dtype);
  const yq = readQParams(node, "y", dtype);
  const alpha = f32(attrFloat(node, "alpha", 0.2));
  if (!Number.isFinite(alpha)) fail("bad-attribute", nodeLabel(node), `attribute "alpha" must be finite, got ${alpha}`);
  // TFLite Micro: double(input_scale * alpha / output_scale) and double(input_scale / output_scale), in float.
  const alphaQ = quantizeMultiplier(f32(f32(xq.scale * alpha) / yq.scale));
  const identityQ = quantizeMultiplier(f32(xq.scale / yq.scale));
  const n = x!.shape.reduce((a, b) => a * b, 1);
  return { dtype, p: [n, dtype === "int8" ? 8 : 16, xq.zeroPoint, yq.zeroPoint, identityQ.multiplier, identityQ.shift, alphaQ.multiplier, alphaQ.shift] };
}

const QLeakyRelu: OpDef = {
  name: "QLeakyRelu",
  family: "quant",
  dataTypes: "int8, int16",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    return [{ dtype: planLeaky(node, x).dtype, shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const { dtype, p } = planLeaky(node, x);
    const { min, max } = DTYPES[dtype];
    const out = Array.from(x!.toNumbers(), (v) => {
      const input = v - p[2]!;
      const scaled = input >= 0 ? mbqm(input, p[4]!, p[5]!) : mbqm(input, p[6]!, p[7]!);
      return clampInt(scaled + p[3]!, min, max);
    });
    return [Tensor.fromNumbers(dtype, x!.shape, out)];
  },
  // The kernel computes y[i] from x[i] alone, in order.
  inPlace: (_node, [x], [y]) => sameShapeInPlace([x], y!),
  emitC(node, ctx) {
    const { p } = planLeaky(node, ctx.info(node.inputs[0]!));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qunary_i8");
    ctx.line(`eg_qleaky_relu(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int32_t", p)});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_ACTIVATION_OPS: readonly OpDef[] = [sigmoidOp("QLogistic"), sigmoidOp("QTanh"), QLeakyRelu];
