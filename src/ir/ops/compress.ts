import { fail } from "../../errors.js";
import { attrInt, attrInts, hasAttr } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyElements } from "./gather-common.js";

/**
 * Compress: the slices along `axis` (or the elements of the flattened input, without `axis`)
 * whose condition entry is true. The condition decides the output shape, so it must be a
 * compile-time constant; the op is then a Gather with constant indices and reuses that kernel.
 * A condition shorter than the axis drops the slices past its end; a true entry past the end of
 * the axis is an error (numpy's rule).
 */
interface CompressPlan {
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly picked: readonly number[];
  readonly outShape: number[];
}

function planCompress(node: Node, shape: Shape): CompressPlan {
  const condition = attrInts(node, "condition");
  let outer = 1;
  let len = numel(shape);
  let inner = 1;
  let axis: number | undefined;
  if (hasAttr(node, "axis")) {
    const raw = attrInt(node, "axis");
    axis = normAxis(raw, shape.length);
    if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for a rank-${shape.length} input (valid: ${-shape.length} to ${shape.length - 1})`);
    outer = numel(shape.slice(0, axis));
    len = shape[axis]!;
    inner = numel(shape.slice(axis + 1));
  }
  const picked = condition.flatMap((c, i) => (c !== 0 ? [i] : []));
  const beyond = picked.find((i) => i >= len);
  if (beyond !== undefined) fail("bad-shape", nodeLabel(node), `condition entry ${beyond} is true but the ${axis === undefined ? "flattened input" : `axis ${axis}`} has only ${len} entries`);
  const outShape = axis === undefined ? [picked.length] : shape.map((d, i) => (i === axis ? picked.length : d));
  return { outer, len, inner, picked, outShape };
}

const Compress: OpDef = {
  name: "Compress",
  family: "gather",
  dataTypes: "any",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "condition", reason: "(it decides the output shape)" }],
  infer(node, [x]) {
    return [{ dtype: x!.dtype, shape: planCompress(node, x!.shape).outShape }];
  },
  evaluate(node, [x]) {
    const p = planCompress(node, x!.shape);
    const out = new Tensor(x!.dtype, p.outShape);
    for (let o = 0; o < p.outer; o++) {
      p.picked.forEach((at, j) => copyElements(x!.data, (o * p.len + at) * p.inner, out.data, (o * p.picked.length + j) * p.inner, p.inner));
    }
    return [out];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planCompress(node, x.shape);
    if (numel(p.outShape) === 0) {
      ctx.line("/* nothing selected: empty output */");
      return;
    }
    ctx.useRuntime("gather");
    const idx = ctx.constArray("int32_t", p.picked);
    ctx.line(`eg_gather_i32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${idx}, ${p.outer}, ${p.len}, ${p.picked.length}, ${p.inner}, ${DTYPES[x.dtype].bytes});`);
  },
};

registerOps([Compress]);
