/**
 * kmodel v4 forms of the CPU ops that translate.ts does not cover (K210-KPU.md §4.3, nncase
 * v0.2 `neutral_ops_body.h`): windowed pooling as `reduce_window2d`, global pooling as `reduce`,
 * elementwise math as `unary` (Sigmoid as the chain nncase itself lowers it to: neg → exp → add 1 →
 * 1 / ·). Like the other translators, an NHWC value stays channels-first when it is one already.
 */
import { attrInt, checkOneOf } from "../../../src/ir/attrs.js";
import type { Node } from "../../../src/ir/graph.js";
import { forwardWindow, readKernelShape, readLayout, readWindowAttrs } from "../../../src/ir/ops/window.js";
import { FLOAT_MAX } from "./bytes.js";
import { V4_OPCODES } from "./opcodes.js";
import { KmodelUnsupported, NHWC_TO_NCHW, prod, shape4, type Buffer } from "./plan-types.js";
import type { Planner } from "./plan.js";

/** nncase v0.2 `reduce_op_t`. */
const REDUCE = { mean: 0, min: 1, max: 2, sum: 3 } as const;
/** nncase v0.2 `unary_op_t`. */
const UNARY: Readonly<Record<string, number>> = { Abs: 0, Ceil: 1, Cos: 2, Exp: 3, Floor: 4, Log: 5, Neg: 6, Sin: 8 };
const BINARY_ADD = 0;
const BINARY_DIV = 3;

/** MaxPool / AveragePool (2-D) → reduce_window2d; ceil_mode becomes extra trailing padding (padded taps are skipped). */
function translateWindowPool(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  if (node.outputs.length > 1 && node.outputs[1] !== "") throw new KmodelUnsupported(`${where}: the Indices output has no kmodel v4 form`);
  const nhwc = readLayout(node) === "NHWC";
  const shape = p.shapeOf(node.inputs[0]!, where);
  if (shape.length !== 4) throw new KmodelUnsupported(`${where}: only 2-D pooling has a kmodel reduce_window2d`);
  const [n, c, h, w] = nhwc ? NHWC_TO_NCHW.map((a) => shape[a]!) : shape;
  const isMax = node.op === "MaxPool";
  const kernel = readKernelShape(node, 2);
  const attrs = readWindowAttrs(node, 2);
  const ceil = checkOneOf(node, "ceil_mode", attrInt(node, "ceil_mode", 0), [0, 1]) === 1;
  const win = forwardWindow(node, [h!, w!], kernel, attrs, ceil);
  const padded = win.padBegin.some((v) => v > 0) || win.padEnd.some((v) => v > 0);
  if (!isMax && padded && attrInt(node, "count_include_pad", 0) === 1) {
    throw new KmodelUnsupported(`${where}: count_include_pad = 1 with padding; kmodel's mean divides by the taps inside the input`);
  }
  const [oh, ow] = [win.output[1]!, win.output[2]!];
  // nncase's output size is floor((in + pads − extent) / stride) + 1: pad the end up to the ceil_mode size.
  const after = (axis: 1 | 2, size: number, out: number) => Math.max(win.padEnd[axis]!, (out - 1) * win.stride[axis]! + (win.kernel[axis]! - 1) * win.dilation[axis]! + 1 - size - win.padBegin[axis]!);
  const padH = [win.padBegin[1]!, after(1, h!, oh)];
  const padW = [win.padBegin[2]!, after(2, w!, ow)];
  const x = nhwc ? p.nchw(node.inputs[0]!, where) : p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", n! * c! * oh * ow);
  p.add({
    opcode: V4_OPCODES.reduce_window2d, from: where, reads: [x], writes: [y],
    body: (wr, r) => {
      wr.memoryRange(r(x)).memoryRange(r(y)).u32(isMax ? REDUCE.max : REDUCE.mean).i32s([n!, c!, h!, w!]);
      wr.i32s([...padH, ...padW, win.kernel[1]!, win.kernel[2]!, win.stride[1]!, win.stride[2]!, win.dilation[1]!, win.dilation[2]!]);
      wr.f32(isMax ? -FLOAT_MAX : 0).f32(-FLOAT_MAX).f32(FLOAT_MAX);
    },
  });
  if (nhwc) p.setNchw(node.outputs[0]!, y);
  else p.setLogical(node.outputs[0]!, y);
}

/** GlobalAveragePool / GlobalMaxPool (NCHW, rank ≤ 4) → reduce over the spatial axes. */
function translateGlobalPool(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = shape4(p.shapeOf(node.inputs[0]!, where), where);
  const rank = p.shapeOf(node.inputs[0]!, where).length;
  const lead = 4 - rank;
  // Axes 0 and 1 of the input (N, C) stay; every spatial axis folds to 1.
  const reduced = shape.map((d, i) => (i < lead + 2 ? d : 1));
  const isMax = node.op === "GlobalMaxPool";
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(reduced));
  p.add({
    opcode: V4_OPCODES.reduce, from: where, reads: [x], writes: [y],
    body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).u32(isMax ? REDUCE.max : REDUCE.mean).i32s(shape).i32s(reduced).f32(isMax ? -FLOAT_MAX : 0),
  });
  p.setLogical(node.outputs[0]!, y);
}

/** One elementwise kmodel node on `x`, keeping its element order. */
function unary(p: Planner, x: Buffer, op: number, where: string): Buffer {
  const y = p.buffer("float32", x.size / 4);
  p.add({ opcode: V4_OPCODES.unary, from: where, reads: [x], writes: [y], body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).u32(op) });
  return y;
}

/** `a op scalar` (scalarFirst: `scalar op a`) as a broadcasting binary. */
function withScalar(p: Planner, a: Buffer, op: number, scalar: number, scalarFirst: boolean, where: string): Buffer {
  const s = p.constant([scalar]);
  const y = p.buffer("float32", a.size / 4);
  const shape = [1, 1, 1, a.size / 4];
  const [first, second] = scalarFirst ? [s, a] : [a, s];
  const [firstShape, secondShape] = scalarFirst ? [[1, 1, 1, 1], shape] : [shape, [1, 1, 1, 1]];
  p.add({
    opcode: V4_OPCODES.binary, from: where, reads: [first, second], writes: [y],
    body: (w, r) => void w.memoryRange(r(first)).memoryRange(r(second)).memoryRange(r(y)).u32(op).i32s(firstShape).i32s(secondShape).i32s(shape).f32(-FLOAT_MAX).f32(FLOAT_MAX),
  });
  return y;
}

/** Unary math and Sigmoid = 1 / (1 + exp(−x)); the value keeps whichever order its input has. */
function translateElementwise(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const name = node.inputs[0]!;
  p.shapeOf(name, where);
  const channelsFirst = p.hasOnlyNchw(name);
  const x = channelsFirst ? p.nchw(name, where) : p.logical(name, where);
  let y: Buffer;
  if (node.op === "Sigmoid") {
    const e = unary(p, unary(p, x, UNARY["Neg"]!, where), UNARY["Exp"]!, where);
    y = withScalar(p, withScalar(p, e, BINARY_ADD, 1, false, where), BINARY_DIV, 1, true, where);
  } else {
    y = unary(p, x, UNARY[node.op]!, where);
  }
  if (channelsFirst) p.setNchw(node.outputs[0]!, y);
  else p.setLogical(node.outputs[0]!, y);
}

export const CPU_TRANSLATORS: Readonly<Record<string, (p: Planner, node: Node) => void>> = {
  MaxPool: translateWindowPool,
  AveragePool: translateWindowPool,
  GlobalAveragePool: translateGlobalPool,
  GlobalMaxPool: translateGlobalPool,
  Sigmoid: translateElementwise,
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, translateElementwise])),
};
