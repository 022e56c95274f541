import { fail } from "../../errors.js";
import { attrInt, attrTensor, checkOneOf, hasAttr } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { comparableElements, compareElements } from "./element-order.js";
import { copyElements } from "./gather-common.js";

/**
 * NonZero and Unique: their output shapes depend on the input's values, which static C code
 * cannot have. Egret accepts them when the input is a compile-time constant (the importer then
 * folds them); a computed input is refused at import with the `constInputs` error.
 */
const CONSTANT_DATA = "(the output shape depends on its values)";

/** NonZero: int64 [rank, n] coordinates of the non-zero elements in row-major order. */
function nonZero(x: Tensor): Tensor {
  // A scalar is treated as a one-element vector (numpy's behaviour).
  const shape = x.shape.length === 0 ? [1] : x.shape;
  const v = comparableElements(x);
  const hits: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 0n) hits.push(i);
  const strides = stridesOf(shape);
  const out = new Tensor("int64", [shape.length, hits.length]);
  const d = out.data as BigInt64Array;
  shape.forEach((dim, axis) => hits.forEach((flat, j) => (d[axis * hits.length + j] = BigInt(Math.floor(flat / strides[axis]!) % dim))));
  return out;
}

const NonZero: OpDef = {
  name: "NonZero",
  family: "constant",
  dataTypes: "any (constant input)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 0, attr: "X", asTensor: true, reason: CONSTANT_DATA }],
  infer: (node) => [{ dtype: "int64", shape: nonZero(attrTensor(node, "X")).shape }],
  evaluate: (node) => [nonZero(attrTensor(node, "X"))],
};

/** Unique's four outputs: the unique values (or slices), first indices, inverse indices, counts. */
function unique(node: Node, x: Tensor): Tensor[] {
  const sorted = checkOneOf(node, "sorted", attrInt(node, "sorted", 1), [0, 1]) === 1;
  let axis: number | undefined;
  if (hasAttr(node, "axis")) {
    const raw = attrInt(node, "axis");
    axis = normAxis(raw, x.shape.length);
    if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for a rank-${x.shape.length} input`);
  }
  // Without an axis the input is flattened: slices are single elements.
  const shape = axis === undefined ? [numel(x.shape)] : x.shape;
  const a = axis ?? 0;
  const outer = numel(shape.slice(0, a));
  const len = shape[a]!;
  const inner = numel(shape.slice(a + 1));
  const v = comparableElements(x);
  const sliceAt = (s: number, e: number) => v[Math.floor(e / inner) * len * inner + s * inner + (e % inner)]!;
  const compareSlices = (s: number, t: number) => {
    for (let e = 0; e < outer * inner; e++) {
      const c = compareElements(sliceAt(s, e), sliceAt(t, e));
      if (c !== 0) return c;
    }
    return 0;
  };
  // First occurrences in input order; then, if sorted, in ascending (lexicographic) order.
  const firsts: number[] = [];
  const inverse: number[] = [];
  for (let s = 0; s < len; s++) {
    const k = firsts.findIndex((f) => compareSlices(f, s) === 0);
    if (k >= 0) inverse.push(k);
    else {
      inverse.push(firsts.length);
      firsts.push(s);
    }
  }
  const order = firsts.map((_, k) => k);
  if (sorted) order.sort((p, q) => compareSlices(firsts[p]!, firsts[q]!));
  const rank = new Array<number>(order.length);
  order.forEach((k, r) => (rank[k] = r));
  const outShape = shape.map((d, i) => (i === a ? order.length : d));
  const y = new Tensor(x.dtype, outShape);
  for (let o = 0; o < outer; o++) {
    order.forEach((k, r) => copyElements(x.data, (o * len + firsts[k]!) * inner, y.data, (o * order.length + r) * inner, inner));
  }
  const counts = order.map((k) => inverse.filter((i) => i === k).length);
  const i64 = (values: readonly number[]) => Tensor.fromNumbers("int64", [values.length], values);
  return [y, i64(order.map((k) => firsts[k]!)), i64(inverse.map((k) => rank[k]!)), i64(counts)];
}

const Unique: OpDef = {
  name: "Unique",
  family: "constant",
  dataTypes: "any numeric (constant input)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 4 },
  constInputs: [{ index: 0, attr: "X", asTensor: true, reason: CONSTANT_DATA }],
  infer: (node) => unique(node, attrTensor(node, "X")).map((t) => ({ dtype: t.dtype, shape: t.shape })),
  evaluate: (node) => unique(node, attrTensor(node, "X")),
};

registerOps([NonZero, Unique]);
