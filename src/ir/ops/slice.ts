import { fail } from "../../errors.js";
import { attrInts, hasAttr } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyIntoContiguous, emitCopy, runCopy, type StridedCopy } from "./strided-copy.js";

/** Where one axis's slice starts, its step, and how many elements it keeps. */
export interface AxisRange {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * ONNX Slice index rules for one axis of size `dim`: negative indices count from the end, then
 * starts/ends clamp to [0, dim] (step > 0) or [0, dim-1] / [-1, dim-1] (step < 0). Values
 * like INT64_MAX arrive as huge doubles; clamping happens before any loop sees them.
 */
function axisRange(dim: number, start: number, end: number, step: number): AxisRange {
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s = step > 0 ? clamp(s0, 0, dim) : clamp(s0, 0, dim - 1);
  const e = step > 0 ? clamp(e0, 0, dim) : clamp(e0, -1, dim - 1);
  return { start: s, step, count: Math.max(0, Math.ceil((e - s) / step)) };
}

/** Per-axis ranges of every input axis (untouched axes keep everything). */
export function sliceRanges(node: Node, shape: readonly number[]): AxisRange[] {
  const rank = shape.length;
  const starts = attrInts(node, "starts");
  const ends = attrInts(node, "ends");
  const axes = hasAttr(node, "axes") ? attrInts(node, "axes") : starts.map((_, i) => i);
  const steps = hasAttr(node, "steps") ? attrInts(node, "steps") : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    fail("bad-attribute", nodeLabel(node), `starts, ends, axes and steps must have one entry per sliced axis; got ${starts.length}, ${ends.length}, ${axes.length} and ${steps.length}`);
  }
  const ranges: AxisRange[] = shape.map((d) => ({ start: 0, step: 1, count: d }));
  const seen = new Set<number>();
  axes.forEach((axis, i) => {
    const a = axis < 0 ? axis + rank : axis;
    if (!(a >= 0 && a < rank)) fail("bad-attribute", nodeLabel(node), `axis ${axis} is out of range for rank ${rank} (valid: ${-rank} to ${rank - 1})`);
    if (seen.has(a)) fail("bad-attribute", nodeLabel(node), `axis ${a} is sliced twice`);
    seen.add(a);
    if (steps[i] === 0) fail("bad-attribute", nodeLabel(node), `step for axis ${axis} is 0; steps must be non-zero`);
    ranges[a] = axisRange(shape[a]!, starts[i]!, ends[i]!, steps[i]!);
  });
  return ranges;
}

/** Output element i on an axis reads input element start + i * step. */
function sliceCopy(node: Node, inShape: readonly number[]): StridedCopy {
  const ranges = sliceRanges(node, inShape);
  const strides = stridesOf(inShape);
  return copyIntoContiguous(
    ranges.map((r) => r.count),
    ranges.reduce((off, r, k) => off + (r.count > 0 ? r.start * strides[k]! : 0), 0),
    ranges.map((r, k) => r.step * strides[k]!),
  );
}

const Slice: OpDef = {
  name: "Slice",
  forms: "every opset: starts/ends attributes (< 10) or inputs with axes and steps (10)",
  family: "tensor",
  inputs: { min: 1, max: 5 },
  outputs: { min: 1, max: 1 },
  // Opset 1 has starts/ends/axes attributes; opset 10 made them (and steps) inputs.
  constInputs: [
    { index: 1, attr: "starts" },
    { index: 2, attr: "ends" },
    { index: 3, attr: "axes" },
    { index: 4, attr: "steps" },
  ],
  infer: (node, [x]) => [{ dtype: x!.dtype, shape: sliceCopy(node, x!.shape).shape }],
  evaluate(node, [x]) {
    const copy = sliceCopy(node, x!.shape);
    const out = new Tensor(x!.dtype, copy.shape);
    runCopy(out.data, x!.data, copy);
    return [out];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    emitCopy(ctx, node, node.outputs[0]!, node.inputs[0]!, x.dtype, sliceCopy(node, x.shape));
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const SLICE_OPS: readonly OpDef[] = [Slice];
