import { fail } from "../../errors.js";
import { attrInt, attrInts, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { normAxis, shapeToString, stridesOf } from "../shape.js";
import { isSubByte } from "../dtype.js";
import { Tensor } from "../tensor.js";
import { emitCopy, runCopy, type StridedCopy } from "./strided-copy.js";

/** The normalised `axis`; `dflt` is Concat opset 1's default (later opsets require the attribute). */
function axisOf(node: Node, rank: number, dflt?: number): number {
  const axis = attrInt(node, "axis", dflt);
  const a = normAxis(axis, rank);
  if (a === undefined) fail("bad-attribute", nodeLabel(node), `axis ${axis} is out of range for rank ${rank} (valid: ${-rank} to ${rank - 1})`);
  return a;
}

/**
 * The copy between a whole tensor `part` and the block of `whole` that starts at `start` along
 * `axis` (the two shapes agree on every other axis). Both are row-major; the part is contiguous.
 */
function blockCopy(whole: readonly number[], part: readonly number[], axis: number, start: number, into: "whole" | "part"): StridedCopy {
  const wholeStrides = stridesOf(whole);
  const offset = start * wholeStrides[axis]!;
  const partStrides = stridesOf(part);
  return into === "whole"
    ? { shape: part, srcOffset: 0, srcStrides: partStrides, dstOffset: offset, dstStrides: wholeStrides }
    : { shape: part, srcOffset: offset, srcStrides: wholeStrides, dstOffset: 0, dstStrides: partStrides };
}

/** Concat: inputs joined along `axis`; every other dimension and the dtype must agree. */
const Concat: OpDef = {
  name: "Concat",
  family: "tensor",
  inputs: { min: 1, max: Number.MAX_SAFE_INTEGER },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const present = inputs.map((x, i) => {
      if (!x) fail("bad-shape", nodeLabel(node), `input ${i} is absent; Concat needs every input`);
      return x;
    });
    const first = present[0]!;
    const rank = first.shape.length;
    const axis = axisOf(node, rank, 1);
    const out = [...first.shape];
    present.slice(1).forEach((x, j) => {
      const i = j + 1;
      if (x.dtype !== first.dtype) fail("bad-shape", nodeLabel(node), `input ${i} is ${x.dtype}, input 0 is ${first.dtype}; all inputs need one type`);
      const agrees = x.shape.length === rank && x.shape.every((d, k) => k === axis || d === first.shape[k]);
      if (!agrees) {
        fail("bad-shape", nodeLabel(node), `input ${i} has shape ${shapeToString(x.shape)}, incompatible with input 0's ${shapeToString(first.shape)}: all dimensions but axis ${axis} must match`);
      }
      out[axis] = out[axis]! + x.shape[axis]!;
    });
    return [{ dtype: first.dtype, shape: out }];
  },
  evaluate(node, inputs) {
    const [info] = Concat.infer(node, inputs);
    const out = new Tensor(info!.dtype, info!.shape);
    const axis = axisOf(node, info!.shape.length, 1);
    let start = 0;
    for (const x of inputs) {
      runCopy(out.data, x!.data, blockCopy(out.shape, x!.shape, axis, start, "whole"));
      start += x!.shape[axis]!;
    }
    return [out];
  },
  contiguousJoin(node, _inputs, [out]) {
    // Each input is then one contiguous block of the output (byte offsets need whole-byte elements).
    const axis = axisOf(node, out!.shape.length, 1);
    return !isSubByte(out!.dtype) && out!.shape.slice(0, axis).every((d) => d === 1);
  },
  emitC(node, ctx) {
    const out = ctx.info(node.outputs[0]!);
    const axis = axisOf(node, out.shape.length, 1);
    let start = 0;
    for (const name of node.inputs) {
      const x = ctx.info(name);
      emitCopy(ctx, node, node.outputs[0]!, name, out.dtype, blockCopy(out.shape, x.shape, axis, start, "whole"));
      start += x.shape[axis]!;
    }
  },
};

/**
 * Sizes of the Split outputs along the axis: the `split` list when given, else `num_outputs`
 * chunks of ceil(dim / n) with a smaller last one (opset 18), else equal parts.
 */
function splitSizes(node: Node, dim: number, outputs: number): number[] {
  if (hasAttr(node, "split")) {
    const sizes = attrInts(node, "split");
    if (sizes.length !== outputs || sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== dim) {
      fail("bad-attribute", nodeLabel(node), `split [${sizes.join(", ")}] must give ${outputs} non-negative sizes summing to the axis size ${dim}`);
    }
    return sizes;
  }
  if (hasAttr(node, "num_outputs")) {
    const n = attrInt(node, "num_outputs");
    if (n !== outputs) fail("bad-attribute", nodeLabel(node), `num_outputs is ${n} but the node has ${outputs} outputs`);
    const chunk = Math.ceil(dim / n);
    return Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (dim % outputs !== 0) {
    fail("bad-shape", nodeLabel(node), `cannot split an axis of size ${dim} into ${outputs} equal parts; give the "split" sizes`);
  }
  return new Array<number>(outputs).fill(dim / outputs);
}

function splitInfos(node: Node, x: ValueInfo): ValueInfo[] {
  const axis = axisOf(node, x.shape.length, 0);
  return splitSizes(node, x.shape[axis]!, node.outputs.length).map((size) => ({
    dtype: x.dtype,
    shape: x.shape.map((d, k) => (k === axis ? size : d)),
  }));
}

const Split: OpDef = {
  name: "Split",
  forms: "every opset: split attribute (< 13) or input, num_outputs (18)",
  family: "tensor",
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: Number.MAX_SAFE_INTEGER },
  constInputs: [{ index: 1, attr: "split" }],
  infer: (node, [x]) => splitInfos(node, x!),
  evaluate(node, [x]) {
    const axis = axisOf(node, x!.shape.length, 0);
    let start = 0;
    return splitInfos(node, x!).map((info) => {
      const out = new Tensor(info.dtype, info.shape);
      runCopy(out.data, x!.data, blockCopy(x!.shape, info.shape, axis, start, "part"));
      start += info.shape[axis]!;
      return out;
    });
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const axis = axisOf(node, x.shape.length, 0);
    let start = 0;
    splitInfos(node, x).forEach((info, i) => {
      const name = node.outputs[i]!;
      if (name !== "") emitCopy(ctx, node, name, node.inputs[0]!, x.dtype, blockCopy(x.shape, info.shape, axis, start, "part"));
      start += info.shape[axis]!;
    });
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const CONCAT_SPLIT_OPS: readonly OpDef[] = [Concat, Split];
