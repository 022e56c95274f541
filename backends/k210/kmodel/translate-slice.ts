/**
 * Float `Slice` (rank ≤ 4, positive steps) as kmodel v4's `strided_slice` (nncase v0.2,
 * K210-KPU.md §4.3): begin/end/strides per axis of the 4-D shape, masks 0 (begin/end explicit).
 * The dilated-conv decomposition (kpu-dilation.ts) takes its phases and crops its output this way;
 * a fully connected layer on the KPU (fc-expand.ts) takes pixel (0, 0) of its 4×4 map.
 */
import type { Node } from "../../../src/ir/graph.js";
import { sliceRanges } from "../../../src/ir/ops/slice.js";
import { KmodelUnsupported, prod, shape4 } from "./plan-types.js";
import type { Planner } from "./plan.js";
import { V4_OPCODES } from "./opcodes.js";

export function translateSlice(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.shapeOf(node.inputs[0]!, where);
  if (node.inputs.slice(1).some((i) => i !== "")) throw new KmodelUnsupported(`${where}: slice bounds given as inputs; kmodel strided_slice needs them constant`);
  const in4 = shape4(shape, where);
  const lead = 4 - shape.length;
  const ranges = [...Array<undefined>(lead).fill(undefined).map(() => ({ start: 0, step: 1, count: 1 })), ...sliceRanges(node, shape)];
  if (ranges.some((r) => r.step < 1)) throw new KmodelUnsupported(`${where}: a negative step; the writer emits strided_slice with positive strides only`);
  // nncase's kernel visits begin, begin + stride, … while below end: end = begin + stride·count.
  const begin = ranges.map((r) => r.start);
  const end = ranges.map((r) => r.start + r.step * r.count);
  const strides = ranges.map((r) => r.step);
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(p.shapeOf(node.outputs[0]!, where)));
  p.add({
    opcode: V4_OPCODES.strided_slice, from: where, reads: [x], writes: [y],
    body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).i32s(in4).i32s(begin).i32s(end).i32s(strides).i32s([0, 0, 0, 0, 0]),
  });
  p.setLogical(node.outputs[0]!, y);
}
