import { fail } from "../../../errors.js";
import { attrFloat } from "../../attrs.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, f32, inputRadius, mbqm, quantizeMultiplier, rdbpot, srdhm } from "./fixed-point.js";
import { expOnNegativeValues, reciprocal, rescale } from "./gemmlowp.js";
import { readTo } from "./convert.js";
import { readQParams, requireQ } from "./qparams.js";

/**
 * QSoftmax over the last axis, int8 input, int8 output (scale 1/256, zero point -128) or int16
 * output (scale 1/65536, zero point -32768): TFLite's reference_ops::Softmax fixed-point path with
 * gemmlowp's exp, 5 integer bits for the scaled differences and 12 for the sum (what TFLite Micro
 * runs for int8; its int16-input LUT path is not implemented). Kernel: qsoftmax_i8.c.
 */

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

interface SoftmaxPlan {
  readonly rows: number;
  readonly depth: number;
  readonly outBits: number;
  readonly outDtype: "int8" | "int16";
  readonly multiplier: number;
  readonly leftShift: number;
  readonly diffMin: number;
}

/** TFLite's PreprocessSoftmaxScaling (double rounding build): beta * scale * 2^(31 - bits), capped. */
function softmaxScaling(beta: number, scale: number): { multiplier: number; leftShift: number } {
  const real = Math.min(beta * scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const q = quantizeMultiplier(real);
  return { multiplier: q.multiplier, leftShift: q.shift };
}

function planSoftmax(node: Node, x: ValueInfo | undefined, outDtype: "int8" | "int16"): SoftmaxPlan {
  requireQ(node, x, "input", ["int8"]);
  const shape = x!.shape;
  if (shape.length === 0) fail("bad-shape", nodeLabel(node), "the input must have at least one axis (softmax runs over the last one)");
  const xq = readQParams(node, "x", "int8");
  const yq = readQParams(node, "y", outDtype);
  const wantScale = outDtype === "int8" ? 1 / 256 : 1 / 65536;
  if (yq.zeroPoint !== DTYPES[outDtype].min || Math.abs(yq.scale - wantScale) > wantScale * 1e-3) {
    fail("bad-attribute", nodeLabel(node), `an ${outDtype} softmax output must have y_scale 1/${1 / wantScale} and y_zero_point ${DTYPES[outDtype].min} (TFLite's fixed output quantization), got ${yq.scale} and ${yq.zeroPoint}`);
  }
  const beta = f32(attrFloat(node, "beta", 1));
  if (!(beta > 0)) fail("bad-attribute", nodeLabel(node), `attribute "beta" must be positive, got ${beta}`);
  const { multiplier, leftShift } = softmaxScaling(beta, xq.scale);
  const depth = shape[shape.length - 1]!;
  return {
    rows: depth === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / depth, depth,
    outBits: outDtype === "int8" ? 8 : 16, outDtype, multiplier, leftShift,
    diffMin: -inputRadius(SCALED_DIFF_INTEGER_BITS, leftShift),
  };
}

function evaluateSoftmax(p: SoftmaxPlan, x: Tensor, shape: readonly number[]): Tensor {
  const xd = x.data as Int8Array;
  const out = new Float64Array(xd.length);
  const outMin = DTYPES[p.outDtype].min;
  const outMax = DTYPES[p.outDtype].max;
  const scaledExp = (diff: number) => expOnNegativeValues(mbqm(diff, p.multiplier, p.leftShift), SCALED_DIFF_INTEGER_BITS);
  for (let r = 0; r < p.rows; r++) {
    const base = r * p.depth;
    let max = -128;
    for (let c = 0; c < p.depth; c++) max = Math.max(max, xd[base + c]!);
    let sum = 0;
    for (let c = 0; c < p.depth; c++) {
      const diff = xd[base + c]! - max;
      if (diff >= p.diffMin) sum = (sum + rescale(scaledExp(diff), 0, ACCUMULATION_INTEGER_BITS)) | 0;
    }
    const { value: scale, bitsOverUnit } = reciprocal(sum, ACCUMULATION_INTEGER_BITS);
    for (let c = 0; c < p.depth; c++) {
      const diff = xd[base + c]! - max;
      if (diff < p.diffMin) { out[base + c] = outMin; continue; }
      const unsat = rdbpot(srdhm(scale, scaledExp(diff)), bitsOverUnit + 31 - p.outBits);
      out[base + c] = clampInt(unsat + outMin, outMin, outMax);
    }
  }
  return Tensor.fromNumbers(p.outDtype, shape, out);
}

/**
 * The output type: `to` when given, else int16 exactly when y_zero_point is -32768 (TFLite's fixed
 * int16 softmax output; an int8 output must have -128).
 */
function outType(node: Node): "int8" | "int16" {
  return node.attrs["to"] !== undefined ? readTo(node) : node.attrs["y_zero_point"] === DTYPES.int16.min ? "int16" : "int8";
}

const QSoftmax: OpDef = {
  name: "QSoftmax",
  family: "quant",
  dataTypes: "int8 (int8 or int16 output)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    const p = planSoftmax(node, x, outType(node));
    return [{ dtype: p.outDtype, shape: x!.shape }];
  },
  evaluate(node, [x]) {
    return [evaluateSoftmax(planSoftmax(node, x, outType(node)), x!, x!.shape)];
  },
  emitC(node, ctx) {
    const p = planSoftmax(node, ctx.info(node.inputs[0]!), outType(node));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qsoftmax_i8");
    const params = ctx.constArray("int32_t", [p.rows, p.depth, p.multiplier, p.leftShift, p.diffMin, p.outBits]);
    ctx.line(`eg_qsoftmax_i8(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${params});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_SOFTMAX_OPS: readonly OpDef[] = [QSoftmax];
