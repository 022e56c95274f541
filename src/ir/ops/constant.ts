import { cInitializer, cLiteral } from "../../codegen/literals.js";
import type { EmitCtx } from "../../codegen/emit-ctx.js";
import { fail } from "../../errors.js";
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor, hasAttr } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";

/**
 * Constant, ConstantOfShape and Shape: ops whose output is known at compile time. The importer
 * folds them into constants; `emitC` exists for the rare graph that keeps one as a node (and so
 * that every registered op can be emitted).
 */

const CONSTANT_KINDS = ["value", "value_float", "value_floats", "value_int", "value_ints"] as const;

function constantValue(node: Node): Tensor {
  const given = [...CONSTANT_KINDS, "value_string", "value_strings", "sparse_value"].filter((k) => hasAttr(node, k));
  if (given.length !== 1) {
    fail("bad-attribute", nodeLabel(node), `Constant needs exactly one of ${CONSTANT_KINDS.join(", ")}; got ${given.length ? given.join(", ") : "none"}`);
  }
  switch (given[0]) {
    case "value": return attrTensor(node, "value");
    case "value_float": return Tensor.scalar("float32", attrFloat(node, "value_float"));
    case "value_floats": { const v = attrFloats(node, "value_floats"); return Tensor.fromNumbers("float32", [v.length], v); }
    case "value_int": return Tensor.scalar("int64", attrInt(node, "value_int"));
    case "value_ints": { const v = attrInts(node, "value_ints"); return Tensor.fromNumbers("int64", [v.length], v); }
    default: return fail("unsupported-dtype", nodeLabel(node), `Constant "${given[0]}" (strings or sparse tensors) has no C representation; only numeric tensors are supported`);
  }
}

/** Writes `t` into the output `name` from a file-scope `static const` copy of its bytes. */
function emitTensorCopy(ctx: EmitCtx, name: string, t: Tensor): void {
  if (t.size === 0) {
    ctx.line("/* empty tensor: nothing to write */");
    return;
  }
  const cname = ctx.uniqueName(`k_${name}`);
  ctx.define(cname, `static const ${DTYPES[t.dtype].ctype} ${cname}[${t.size}] = {\n${cInitializer(t)}\n};`);
  ctx.line(`memcpy(${ctx.ptr(name)}, ${cname}, sizeof(${cname}));`);
}

const Constant: OpDef = {
  name: "Constant",
  family: "constant",
  inputs: { min: 0, max: 0 },
  outputs: { min: 1, max: 1 },
  resultInAttributes: true,
  infer(node) {
    const t = constantValue(node);
    return [{ dtype: t.dtype, shape: t.shape }];
  },
  evaluate: (node) => [constantValue(node)],
  emitC: (node, ctx) => emitTensorCopy(ctx, node.outputs[0]!, constantValue(node)),
};

/** The fill value of ConstantOfShape: a one-element tensor, float32 0 by default. */
function fillValue(node: Node): Tensor {
  if (!hasAttr(node, "value")) return Tensor.scalar("float32", 0);
  const t = attrTensor(node, "value");
  if (t.size !== 1) fail("bad-attribute", nodeLabel(node), `attribute "value" must hold exactly one element, got ${t.size}`);
  return t;
}

function fillShape(node: Node): number[] {
  const shape = attrInts(node, "shape");
  if (shape.some((d) => d < 0)) fail("bad-attribute", nodeLabel(node), `shape [${shape.join(", ")}] has a negative dimension`);
  return shape;
}

const ConstantOfShape: OpDef = {
  name: "ConstantOfShape",
  family: "constant",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 0, attr: "shape" }],
  infer: (node) => [{ dtype: fillValue(node).dtype, shape: fillShape(node) }],
  evaluate(node) {
    const v = fillValue(node);
    const shape = fillShape(node);
    const out = new Tensor(v.dtype, shape);
    // Fill through the typed array so int64 values stay exact.
    (out.data as Float64Array).fill((v.data as Float64Array)[0]!);
    return [out];
  },
  emitC(node, ctx) {
    const v = fillValue(node);
    const n = numel(fillShape(node));
    if (n === 0) {
      ctx.line("/* empty tensor: nothing to write */");
      return;
    }
    const T = DTYPES[v.dtype].ctype;
    const fn = `eg_fill_${DTYPES[v.dtype].suffix}`;
    ctx.define(fn, `static void ${fn}(${T} *y, int32_t n, ${T} v) {\n  int32_t i;\n  for (i = 0; i < n; i++) y[i] = v;\n}`);
    ctx.line(`${fn}(${ctx.ptr(node.outputs[0]!)}, ${n}, ${cLiteral(v.dtype, v.data[0]!)});`);
  },
};

/** Shape (opset 15 `start`/`end`: negative counts from the end, both clamped to [0, rank]). */
function shapeSlice(node: Node, shape: Shape): number[] {
  const rank = shape.length;
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(attrInt(node, "start", 0));
  // `end` may arrive as INT64_MAX from exporters; any value past the rank means "to the end".
  const end = hasAttr(node, "end") ? clamp(attrInt(node, "end")) : rank;
  return shape.slice(start, Math.max(start, end));
}

/** Shape's result; a Tensor is a ValueInfo too, so the evaluator and the import-time fold share it. */
function shapeTensor(node: Node, x: ValueInfo): Tensor {
  const dims = shapeSlice(node, x.shape);
  return Tensor.fromNumbers("int64", [dims.length], dims);
}

const ShapeOp: OpDef = {
  name: "Shape",
  family: "constant",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer: (node, [x]) => [{ dtype: "int64", shape: [shapeSlice(node, x!.shape).length] }],
  evaluateFromTypes: (node, [x]) => [shapeTensor(node, x!)],
  evaluate: (node, [x]) => [shapeTensor(node, x!)],
  emitC(node, ctx) {
    const dims = shapeSlice(node, ctx.info(node.inputs[0]!).shape);
    if (dims.length === 0) {
      ctx.line("/* empty shape: nothing to write */");
      return;
    }
    ctx.line(`memcpy(${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int64_t", dims)}, ${dims.length * 8});`);
  },
};

function sizeTensor(x: ValueInfo): Tensor {
  return Tensor.fromNumbers("int64", [], [numel(x.shape)]);
}

/** Size: the element count of the input as an int64 scalar (always folded: static shapes). */
const Size: OpDef = {
  name: "Size",
  family: "constant",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer: () => [{ dtype: "int64", shape: [] }],
  evaluateFromTypes: (_node, [x]) => [sizeTensor(x!)],
  evaluate: (_node, [x]) => [sizeTensor(x!)],
  emitC(node, ctx) {
    const n = numel(ctx.info(node.inputs[0]!).shape);
    ctx.line(`memcpy(${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int64_t", [n])}, 8);`);
  },
};

registerOps([Constant, ConstantOfShape, ShapeOp, Size]);
