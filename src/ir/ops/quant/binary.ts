import { fail } from "../../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { broadcastShapes, broadcastStrides, numel } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { clampInt, mbqm, quantizeMultiplier, shiftLeftWrap } from "./fixed-point.js";
import { sameShapeInPlace } from "../same-shape-in-place.js";
import { readActRange, readQParams, requireQ, type QDType } from "./qparams.js";

/**
 * QAdd, QSub, QMul with numpy broadcasting, int8 and int16: TFLite's AddElementwise /
 * SubElementwise / MulElementwise, with the parameters TFLite Micro's Prepare computes (add/sub:
 * both inputs rescaled to 2 * max(a_scale, b_scale) after a left shift of 20 bits for int8, 15 for
 * int16). Kernel: runtime-c/kernels/qbinary_i8.c.
 */

const KIND = { QAdd: 0, QSub: 1, QMul: 2 } as const;
type BinaryName = keyof typeof KIND;

/** Largest rank the C kernel's index counter handles. */
const MAX_RANK = 8;

interface BinaryPlan {
  readonly dtype: QDType;
  readonly outShape: number[];
  readonly aStrides: number[];
  readonly bStrides: number[];
  /** kind, a offset, b offset, y zero point, left shift, a mult/shift, b mult/shift, out mult/shift, act min/max. */
  readonly q: number[];
}

function planBinary(node: Node, name: BinaryName, [a, b]: readonly (ValueInfo | undefined)[]): BinaryPlan {
  const dtype = requireQ(node, a, "first input");
  if (requireQ(node, b, "second input") !== dtype) fail("unsupported-dtype", nodeLabel(node), `both inputs must have the same type, got ${a!.dtype} and ${b!.dtype}`);
  const outShape = broadcastShapes([a!.shape, b!.shape]);
  if (!outShape) fail("bad-shape", nodeLabel(node), `shapes [${a!.shape.join(",")}] and [${b!.shape.join(",")}] do not broadcast`);
  if (outShape.length > MAX_RANK) fail("bad-shape", nodeLabel(node), `rank ${outShape.length} is above the supported ${MAX_RANK}`);
  const aq = readQParams(node, "a", dtype);
  const bq = readQParams(node, "b", dtype);
  const yq = readQParams(node, "y", dtype);
  const act = readActRange(node, dtype);
  let q: number[];
  if (name === "QMul") {
    const out = quantizeMultiplier((aq.scale * bq.scale) / yq.scale);
    q = [KIND[name], -aq.zeroPoint, -bq.zeroPoint, yq.zeroPoint, 0, 0, 0, 0, 0, out.multiplier, out.shift, act.min, act.max];
  } else {
    const leftShift = dtype === "int16" ? 15 : 20;
    const twiceMax = 2 * Math.max(aq.scale, bq.scale);
    const am = quantizeMultiplier(aq.scale / twiceMax);
    const bm = quantizeMultiplier(bq.scale / twiceMax);
    const out = quantizeMultiplier(twiceMax / (2 ** leftShift * yq.scale));
    q = [KIND[name], -aq.zeroPoint, -bq.zeroPoint, yq.zeroPoint, leftShift, am.multiplier, am.shift, bm.multiplier, bm.shift, out.multiplier, out.shift, act.min, act.max];
  }
  return { dtype, outShape, aStrides: broadcastStrides(a!.shape, outShape), bStrides: broadcastStrides(b!.shape, outShape), q };
}

/** One output element; the same steps as qbinary_one in the C. */
function binaryOne(a: number, b: number, q: readonly number[]): number {
  const av = a + q[1]!;
  const bv = b + q[2]!;
  let raw: number;
  if (q[0] === KIND.QMul) raw = Math.imul(av, bv);
  else {
    const sa = mbqm(shiftLeftWrap(av, q[4]!), q[5]!, q[6]!);
    const sb = mbqm(shiftLeftWrap(bv, q[4]!), q[7]!, q[8]!);
    raw = q[0] === KIND.QAdd ? (sa + sb) | 0 : (sa - sb) | 0;
  }
  return clampInt(mbqm(raw, q[9]!, q[10]!) + q[3]!, q[11]!, q[12]!);
}

function evaluateBinary(p: BinaryPlan, a: Tensor, b: Tensor): Tensor {
  const ad = a.data as Int8Array | Int16Array;
  const bd = b.data as Int8Array | Int16Array;
  const n = numel(p.outShape);
  const rank = p.outShape.length;
  const index = new Array<number>(rank).fill(0);
  const out = new Float64Array(n);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = binaryOne(ad[ai]!, bd[bi]!, p.q);
    // Odometer increment, keeping both input offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ai += p.aStrides[d]!;
      bi += p.bStrides[d]!;
      if (index[d]! < p.outShape[d]!) break;
      ai -= p.aStrides[d]! * p.outShape[d]!;
      bi -= p.bStrides[d]! * p.outShape[d]!;
      index[d] = 0;
    }
  }
  return Tensor.fromNumbers(p.dtype, p.outShape, out);
}

function binaryOp(name: BinaryName): OpDef {
  return {
    name,
    family: "quant",
    dataTypes: "int8, int16",
    inputs: { min: 2, max: 2 },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      const p = planBinary(node, name, inputs);
      return [{ dtype: p.dtype, shape: p.outShape }];
    },
    evaluate(node, [a, b]) {
      return [evaluateBinary(planBinary(node, name, [a, b]), a!, b!)];
    },
    emitC(node, ctx) {
      const p = planBinary(node, name, node.inputs.map((t) => ctx.info(t)));
      ctx.useRuntime("qfixed_i8");
      ctx.useRuntime("qbinary_i8");
      const shape = ctx.constArray("int32_t", [p.outShape.length, ...p.outShape, ...p.aStrides, ...p.bStrides]);
      const q = ctx.constArray("int32_t", p.q);
      ctx.line(`eg_qbinary_${p.dtype === "int8" ? "i8" : "i16"}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${ctx.ptr(node.outputs[0]!)}, ${shape}, ${q});`);
    },
    inPlace(_node, inputs, [y]) {
      return sameShapeInPlace(inputs, y!);
    },
  };
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_BINARY_OPS: readonly OpDef[] = [binaryOp("QAdd"), binaryOp("QSub"), binaryOp("QMul")];
