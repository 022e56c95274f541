/**
 * kmodel v4 form of a float Slice with positive steps (rank ≤ 4): nncase's `strided_slice` on the
 * 4-D shape (leading axes kept whole), masks 0 because begin/end are explicit. The K210 lowering
 * emits one per fully connected layer on the KPU (fc-expand.ts: pixel (0, 0) of the 4×4 map).
 */
import { attrInts, hasAttr } from "../../../src/ir/attrs.js";
import type { Node } from "../../../src/ir/graph.js";
import { KmodelUnsupported, prod, shape4 } from "./plan-types.js";
import type { Planner } from "./plan.js";
import { V4_OPCODES } from "./opcodes.js";

/** ONNX index rules for a positive step: negative indices count from the end, then clamp to [0, dim]. */
function clampIndex(i: number, dim: number): number {
  return Math.min(Math.max(i < 0 ? i + dim : i, 0), dim);
}

export function translateSlice(p: Planner, node: Node): void {
  const where = `node ${node.name} (${node.op})`;
  const shape = p.shapeOf(node.inputs[0]!, where);
  if (node.inputs.length > 1 && node.inputs.slice(1).some((i) => i !== "")) throw new KmodelUnsupported(`${where}: slice bounds given as inputs; kmodel strided_slice needs them constant`);
  const in4 = shape4(shape, where);
  const lead = 4 - shape.length;
  const starts = attrInts(node, "starts");
  const ends = attrInts(node, "ends");
  const axes = hasAttr(node, "axes") ? attrInts(node, "axes") : starts.map((_, i) => i);
  const steps = hasAttr(node, "steps") ? attrInts(node, "steps") : starts.map(() => 1);
  const begin = [0, 0, 0, 0];
  const end = [...in4];
  const strides = [1, 1, 1, 1];
  axes.forEach((raw, i) => {
    const axis = (raw < 0 ? raw + shape.length : raw) + lead;
    if (steps[i]! <= 0) throw new KmodelUnsupported(`${where}: step ${steps[i]} on axis ${raw}; the kmodel writer slices with positive steps only`);
    begin[axis] = clampIndex(starts[i]!, in4[axis]!);
    end[axis] = Math.max(begin[axis]!, clampIndex(ends[i]!, in4[axis]!));
    strides[axis] = steps[i]!;
  });
  const x = p.logical(node.inputs[0]!, where);
  const y = p.buffer("float32", prod(p.shapeOf(node.outputs[0]!, where)));
  p.add({
    opcode: V4_OPCODES.strided_slice, from: where, reads: [x], writes: [y],
    body: (w, r) => void w.memoryRange(r(x)).memoryRange(r(y)).i32s(in4).i32s(begin).i32s(end).i32s(strides).i32s([0, 0, 0, 0, 0]),
  });
  p.setLogical(node.outputs[0]!, y);
}
