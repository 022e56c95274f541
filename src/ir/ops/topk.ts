import { fail } from "../../errors.js";
import { attrInt, attrInts, checkOneOf } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cHelper } from "./elementwise/c-helpers.js";
import { comparableElements, compareElements } from "./element-order.js";
import { copyElements } from "./gather-common.js";

/**
 * TopK along `axis` with a constant K: the K largest (or smallest, `largest = 0`) elements in
 * order, and their int64 indices. Equal values keep index order (the ONNX rule); NaN counts as
 * larger than every number. The output is always sorted (`sorted = 0` leaves the order open).
 *
 * The C selects without scratch memory: the r-th result is the first element, in the (value,
 * index) order, that comes after the (r-1)-th, so it costs K passes over each line (K is small in
 * the detection and classification heads that use TopK).
 */
const TOPK_DTYPES: readonly DType[] = ["float16", "float32", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

interface TopKPlan {
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly k: number;
  readonly largest: boolean;
  readonly outShape: number[];
}

function planTopK(node: Node, shape: Shape, dtype: DType): TopKPlan {
  if (!TOPK_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `TopK supports ${TOPK_DTYPES.join(", ")}, got ${dtype}`);
  const rank = shape.length;
  const raw = attrInt(node, "axis", -1);
  const axis = normAxis(raw, rank);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for a rank-${rank} input (valid: ${-rank} to ${rank - 1})`);
  const ks = attrInts(node, "k");
  if (ks.length !== 1) fail("bad-shape", nodeLabel(node), `K must hold a single value, got ${ks.length}`);
  const k = ks[0]!;
  const len = shape[axis]!;
  if (k < 0 || k > len) fail("bad-attribute", nodeLabel(node), `K = ${k} must be between 0 and the axis length ${len}`);
  checkOneOf(node, "sorted", attrInt(node, "sorted", 1), [0, 1]);
  return {
    outer: numel(shape.slice(0, axis)),
    len,
    inner: numel(shape.slice(axis + 1)),
    k,
    largest: checkOneOf(node, "largest", attrInt(node, "largest", 1), [0, 1]) === 1,
    outShape: shape.map((d, i) => (i === axis ? k : d)),
  };
}

function evaluateTopK(node: Node, x: Tensor): Tensor[] {
  const p = planTopK(node, x.shape, x.dtype);
  const values = new Tensor(x.dtype, p.outShape);
  const indices = new Tensor("int64", p.outShape);
  const raw = comparableElements(x);
  const sign = p.largest ? -1 : 1;
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const at = (j: number) => (o * p.len + j) * p.inner + i;
      const order = Array.from({ length: p.len }, (_, j) => j).sort((a, b) => sign * compareElements(raw[at(a)]!, raw[at(b)]!) || a - b);
      for (let r = 0; r < p.k; r++) {
        const dst = (o * p.k + r) * p.inner + i;
        copyElements(x.data, at(order[r]!), values.data, dst, 1);
        (indices.data as BigInt64Array)[dst] = BigInt(order[r]!);
      }
    }
  }
  return [values, indices];
}

function topkCode(fn: string, dtype: DType, key: (v: string) => string): string {
  const T = DTYPES[dtype].ctype;
  const float = DTYPES[dtype].isFloat;
  // float16 elements are compared as decoded floats.
  const K = dtype === "float16" ? "float" : T;
  // a > b with NaN above every number; equality treats two NaNs as equal.
  const gt = float ? `(a != a ? b == b : a > b)` : "a > b";
  const eq = float ? `(a != a ? b != b : a == b)` : "a == b";
  return `/* (a, ia) comes before (b, ib) in TopK order: better value first, then lower index. */
static int ${fn}_before(${K} a, int32_t ia, ${K} b, int32_t ib, int32_t largest) {
  if (${eq}) return ia < ib;
  return largest ? ${gt} : !(${gt});
}

/* TopK over the middle axis of [outer, len, inner]: K selection passes per line, no scratch memory. */
static void ${fn}(const ${T} *x, ${T} *vals, int64_t *idx, int32_t outer, int32_t len, int32_t inner, int32_t k, int32_t largest) {
  int32_t o, i, r, j;
  for (o = 0; o < outer; o++) {
    for (i = 0; i < inner; i++) {
      const ${T} *line = x + (size_t)o * (size_t)len * (size_t)inner + (size_t)i;
      int32_t prev = -1;
      for (r = 0; r < k; r++) {
        int32_t best = -1;
        const size_t dst = ((size_t)o * (size_t)k + (size_t)r) * (size_t)inner + (size_t)i;
        for (j = 0; j < len; j++) {
          if (prev >= 0 && !${fn}_before(${key(`line[(size_t)prev * (size_t)inner]`)}, prev, ${key(`line[(size_t)j * (size_t)inner]`)}, j, largest)) continue;
          if (best < 0 || ${fn}_before(${key(`line[(size_t)j * (size_t)inner]`)}, j, ${key(`line[(size_t)best * (size_t)inner]`)}, best, largest)) best = j;
        }
        if (vals) vals[dst] = line[(size_t)best * (size_t)inner];
        if (idx) idx[dst] = best;
        prev = best;
      }
    }
  }
}`;
}

const TopK: OpDef = {
  name: "TopK",
  family: "reduce",
  dataTypes: "float16, float32, float64, int8-int64, uint8-uint64",
  // Opset 1-9 give K as the attribute `k`; from opset 10 it is input 1.
  inputs: { min: 1, max: 2 },
  outputs: { min: 2, max: 2 },
  constInputs: [{ index: 1, attr: "k", reason: "(it sets the output shape)" }],
  infer(node, [x]) {
    const p = planTopK(node, x!.shape, x!.dtype);
    return [{ dtype: x!.dtype, shape: p.outShape }, { dtype: "int64", shape: p.outShape }];
  },
  evaluate: (node, [x]) => evaluateTopK(node, x!),
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planTopK(node, x.shape, x.dtype);
    if (numel(p.outShape) === 0) {
      ctx.line("/* K = 0: empty outputs */");
      return;
    }
    const fn = `eg_topk_${DTYPES[x.dtype].suffix}`;
    const key = x.dtype === "float16" ? (v: string) => `${cHelper(ctx, "f16_to_f32")}(${v})` : (v: string) => v;
    ctx.define(fn, topkCode(fn, x.dtype, key));
    const [vals, idx] = node.outputs as [string, string];
    ctx.line(`${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(vals)}, ${ctx.ptr(idx)}, ${p.outer}, ${p.len}, ${p.inner}, ${p.k}, ${p.largest ? 1 : 0});`);
  },
  macs: (node, [x]) => {
    const p = planTopK(node, x!.shape, x!.dtype);
    return p.outer * p.inner * p.k * p.len;
  },
};

registerOps([TopK]);
