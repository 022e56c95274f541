import type { EmitCtx } from "../emit-ctx.js";
import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt, attrInts, hasAttr, withAttrs } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";

/**
 * Ops whose output is input 0's bytes under another shape. They are all `alias: true`: the
 * planner gives the output the input's buffer and no code runs, unless the output must be
 * materialised (a graph output), where the emitter falls back to a memcpy.
 */

/** Infer helper: the output is input 0 with a new shape. */
function reshaped(x: ValueInfo, shape: readonly number[]): ValueInfo[] {
  return [{ dtype: x.dtype, shape: [...shape] }];
}

/** Evaluate helper: the same storage viewed with the inferred shape. */
function view(node: Node, op: OpDef, x: Tensor): Tensor[] {
  const [out] = op.infer(node, [x]);
  return [new Tensor(x.dtype, out!.shape, x.data)];
}

/** Sorted, normalised, duplicate-free axes against `rank`, or an error naming the node. */
function normalisedAxes(node: Node, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!(n >= 0 && n < rank)) fail("bad-attribute", nodeLabel(node), `axis ${a} is out of range for rank ${rank} (valid: ${-rank} to ${rank - 1})`);
    return n;
  });
  if (new Set(out).size !== out.length) fail("bad-attribute", nodeLabel(node), `axes [${axes.join(", ")}] name the same axis twice`);
  return out.sort((a, b) => a - b);
}

/** The Reshape target shape: 0 copies the input dim (unless allowzero), one -1 is inferred. */
function reshapeTarget(node: Node, inShape: readonly number[]): number[] {
  const spec = attrInts(node, "shape");
  const allowZero = attrInt(node, "allowzero", 0) !== 0;
  const total = numel(inShape);
  const out = spec.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= inShape.length) fail("bad-shape", nodeLabel(node), `shape[${i}] = 0 copies input dimension ${i}, but the input ${shapeToString(inShape)} has rank ${inShape.length}`);
      return inShape[i]!;
    }
    if (d < -1) fail("bad-attribute", nodeLabel(node), `shape[${i}] = ${d}; only -1 (infer) may be negative`);
    return d;
  });
  const inferred = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (inferred.length > 1) fail("bad-attribute", nodeLabel(node), `shape [${spec.join(", ")}] has more than one -1`);
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (inferred.length === 1) {
    if (known === 0 || total % known !== 0) {
      fail("bad-shape", nodeLabel(node), `cannot infer the -1 in shape [${spec.join(", ")}]: the input ${shapeToString(inShape)} has ${total} elements, not a multiple of ${known}`);
    }
    out[inferred[0]!] = total / known;
  } else if (known !== total) {
    fail("bad-shape", nodeLabel(node), `cannot reshape ${shapeToString(inShape)} (${total} elements) to [${spec.join(", ")}] (${known} elements); the element counts must match`);
  }
  return out;
}

const Reshape: OpDef = {
  name: "Reshape",
  family: "tensor",
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "shape" }],
  alias: true,
  infer: (node, [x]) => reshaped(x!, reshapeTarget(node, x!.shape)),
  evaluate: (node, [x]) => view(node, Reshape, x!),
};

const Flatten: OpDef = {
  name: "Flatten",
  family: "tensor",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  alias: true,
  infer(node, [x]) {
    const rank = x!.shape.length;
    const axis = attrInt(node, "axis", 1);
    const a = axis < 0 ? axis + rank : axis;
    if (!(a >= 0 && a <= rank)) fail("bad-attribute", nodeLabel(node), `axis ${axis} is out of range for rank ${rank} (valid: ${-rank} to ${rank})`);
    return reshaped(x!, [numel(x!.shape.slice(0, a)), numel(x!.shape.slice(a))]);
  },
  evaluate: (node, [x]) => view(node, Flatten, x!),
};

/** Squeeze: removes the listed size-1 axes, or every size-1 axis when none are listed. */
const Squeeze: OpDef = {
  name: "Squeeze",
  family: "tensor",
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "axes" }],
  alias: true,
  infer(node, [x]) {
    const shape = x!.shape;
    const axes = hasAttr(node, "axes") ? normalisedAxes(node, attrInts(node, "axes"), shape.length) : undefined;
    for (const a of axes ?? []) {
      if (shape[a] !== 1) fail("bad-shape", nodeLabel(node), `cannot squeeze axis ${a} of ${shapeToString(shape)}: its size is ${shape[a]}, not 1`);
    }
    return reshaped(x!, shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)));
  },
  evaluate: (node, [x]) => view(node, Squeeze, x!),
};

/** Unsqueeze: inserts size-1 axes at the listed positions of the output. */
const Unsqueeze: OpDef = {
  name: "Unsqueeze",
  family: "tensor",
  inputs: { min: 1, max: 2 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 1, attr: "axes" }],
  alias: true,
  infer(node, [x]) {
    const rankOut = x!.shape.length + attrInts(node, "axes").length;
    const axes = normalisedAxes(node, attrInts(node, "axes"), rankOut);
    const rest = [...x!.shape];
    return reshaped(x!, Array.from({ length: rankOut }, (_, i) => (axes.includes(i) ? 1 : rest.shift()!)));
  },
  evaluate: (node, [x]) => view(node, Unsqueeze, x!),
};

/**
 * Dropout at inference is the identity; its optional mask output is all true. The mask is bool
 * from opset 10 on and has the input's type before (canonicalize records which as `mask_like_input`).
 * Training mode is random, so it is rejected, except with ratio 0 where it is the identity too.
 * Old opsets' `is_test` is ignored: every runtime runs exported Dropout as the identity.
 */
const Dropout: OpDef = {
  name: "Dropout",
  family: "tensor",
  inputs: { min: 1, max: 3 },
  outputs: { min: 1, max: 2 },
  constInputs: [
    { index: 1, attr: "ratio" },
    { index: 2, attr: "training_mode" },
  ],
  alias: true,
  canonicalize: (node, opset) => (opset < 10 ? withAttrs(node, { mask_like_input: 1 }) : node),
  infer(node, [x]) {
    const ratio = attrFloat(node, "ratio", 0.5);
    if (!(ratio >= 0 && ratio < 1)) fail("bad-attribute", nodeLabel(node), `ratio ${ratio} must be in [0, 1)`);
    if (attrInt(node, "training_mode", 0) !== 0 && ratio !== 0) {
      fail("bad-attribute", nodeLabel(node), `training_mode is true with ratio ${ratio}: training dropout is random and cannot be compiled; export the model in inference mode`);
    }
    return [x!, { dtype: maskDtype(node, x!.dtype), shape: x!.shape }];
  },
  evaluate(node, [x]) {
    const mask = Tensor.fromNumbers(maskDtype(node, x!.dtype), x!.shape, new Float64Array(x!.size).fill(1));
    return [new Tensor(x!.dtype, x!.shape, x!.data), mask];
  },
  emitC(node, ctx) {
    const [x, y, mask] = [node.inputs[0]!, node.outputs[0]!, node.outputs[1] ?? ""];
    const info = ctx.info(x);
    const count = numel(info.shape);
    if (count === 0) return;
    if (y !== "") ctx.line(`memcpy(${ctx.ptr(y)}, ${ctx.ptr(x)}, ${count * DTYPES[info.dtype].bytes}u);`);
    if (mask !== "") emitFillOnes(ctx, mask, maskDtype(node, info.dtype), count);
  },
};

function maskDtype(node: Node, inputDtype: DType): DType {
  return attrInt(node, "mask_like_input", 0) !== 0 ? inputDtype : "bool";
}

/** Writes 1 (in `dtype`'s encoding) to `count` elements of tensor `name`. */
function emitFillOnes(ctx: EmitCtx, name: string, dtype: DType, count: number): void {
  const { bytes, ctype } = DTYPES[dtype];
  if (bytes === 1) {
    ctx.line(`memset(${ctx.ptr(name)}, 1, ${count}u);`);
    return;
  }
  const one = cLiteral(dtype, Tensor.fromNumbers(dtype, [], [1]).data[0]!);
  ctx.line(`{ int32_t i; ${ctype} *m = ${ctx.ptr(name)}; for (i = 0; i < ${count}; i++) m[i] = ${one}; }`);
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const RESHAPE_OPS: readonly OpDef[] = [Reshape, Flatten, Squeeze, Unsqueeze, Dropout];
