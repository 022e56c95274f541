import { fail } from "../../../errors.js";
import { attrInt, attrInts } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt, mbqm, quantizeMultiplier } from "./fixed-point.js";
import { readQParams, requireQ } from "./qparams.js";

/**
 * QMean (int8): TFLite's reference_ops::QuantizedMeanOrSum as TFLite Micro's MEAN runs it. The
 * int32 sum over the reduced axes (wrapping), minus zp_in * count, goes through
 * MultiplyByQuantizedMultiplier with the multiplier of x_scale / y_scale folded with 1 / count:
 * shift = min(floor(log2(count)), 32, 31 + output_shift), multiplier = (multiplier << shift) / count
 * (int64, truncating), output_shift - shift. That folding depends only on shapes, so it happens
 * at compile time. Axes may be negative and repeat (TFLite's ResolveAxis). Kernel:
 * runtime-c/kernels/qmean_i8.c (int32 scratch, one sum per output element).
 */

export interface MeanPlan {
  readonly inShape: readonly number[];
  readonly outShape: number[];
  /** Whether each input axis is reduced. */
  readonly reduced: boolean[];
  /** Input elements per output element. */
  readonly count: number;
  readonly xZeroPoint: number;
  readonly yZeroPoint: number;
  readonly multiplier: number;
  readonly shift: number;
}

export function planMean(node: Node, x: ValueInfo | undefined): MeanPlan {
  requireQ(node, x, "input", ["int8"]);
  const inShape = x!.shape;
  const rank = inShape.length;
  if (rank > 8) fail("bad-shape", nodeLabel(node), `QMean takes inputs of rank <= 8 (the C kernel's index), got [${inShape.join(",")}]`);
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of attrInts(node, "axes")) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) fail("bad-attribute", nodeLabel(node), `axis ${a} is outside the rank-${rank} input [${inShape.join(",")}]`);
    reduced[a < 0 ? a + rank : a] = true;
  }
  const keepdims = attrInt(node, "keepdims", 1) !== 0;
  const outShape = keepdims ? inShape.map((d, i) => (reduced[i] ? 1 : d)) : inShape.filter((_, i) => !reduced[i]);
  const count = inShape.reduce((acc, d, i) => (reduced[i] ? acc * d : acc), 1);
  if (count < 1 || count >= 2 ** 31) fail("bad-shape", nodeLabel(node), `the reduced axes of [${inShape.join(",")}] hold ${count} elements; QMean needs 1 to 2^31 - 1`);
  const xq = readQParams(node, "x", "int8");
  const yq = readQParams(node, "y", "int8");
  // PrepareMeanOrSum: double(input_scale) / double(output_scale).
  const q = quantizeMultiplier(xq.scale / yq.scale);
  const shift = Math.min(31 - Math.clz32(count), 32, 31 + q.shift);
  const multiplier = Number((BigInt(q.multiplier) << BigInt(shift)) / BigInt(count));
  return { inShape, outShape, reduced, count, xZeroPoint: xq.zeroPoint, yZeroPoint: yq.zeroPoint, multiplier, shift: q.shift - shift };
}

/** Row-major strides of the output, indexed by input axis (0 on the reduced axes). */
function outputStrides(p: MeanPlan): number[] {
  const strides = new Array<number>(p.inShape.length).fill(0);
  let s = 1;
  for (let i = p.inShape.length - 1; i >= 0; i--) {
    if (p.reduced[i]) continue;
    strides[i] = s;
    s *= p.inShape[i]!;
  }
  return strides;
}

export function evaluateMean(p: MeanPlan, x: Tensor): Tensor {
  const data = x.data as Int8Array;
  const strides = outputStrides(p);
  const outCount = p.outShape.reduce((a, b) => a * b, 1);
  const sums = new Int32Array(outCount);
  const index = new Array<number>(p.inShape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let o = 0;
    for (let d = 0; d < index.length; d++) o += index[d]! * strides[d]!;
    sums[o] = (sums[o]! + data[i]!) | 0;
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < p.inShape[d]!) break;
      index[d] = 0;
    }
  }
  const out = Array.from(sums, (s) => {
    const shifted = (s - p.xZeroPoint * p.count) | 0; // static_cast<int32_t> of the int64 difference
    return clampInt(mbqm(shifted, p.multiplier, p.shift) + p.yZeroPoint, -128, 127);
  });
  return Tensor.fromNumbers("int8", p.outShape, out);
}

const QMean: OpDef = {
  name: "QMean",
  family: "quant",
  dataTypes: "int8",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    return [{ dtype: "int8", shape: planMean(node, x).outShape }];
  },
  evaluate(node, [x]) {
    return [evaluateMean(planMean(node, x), x!)];
  },
  scratchBytes(node, [x]) {
    return planMean(node, x).outShape.reduce((a, b) => a * b, 1) * 4;
  },
  emitC(node, ctx) {
    const p = planMean(node, ctx.info(node.inputs[0]!));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qmean_i8");
    const params = ctx.constArray("int32_t", [
      p.inShape.length, p.outShape.reduce((a, b) => a * b, 1), p.count, p.xZeroPoint, p.yZeroPoint, p.multiplier, p.shift,
      ...p.inShape, ...outputStrides(p),
    ]);
    ctx.line(`eg_qmean_i8(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.scratch()}, ${params});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_MEAN_OPS: readonly OpDef[] = [QMean];
