import { fail } from "../../errors.js";
import { attrString, checkOneOf } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel, sameShape, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkIndexType, copyElements, resolveIndex } from "./gather-common.js";

export const REDUCTIONS = ["none", "add", "mul", "max", "min"] as const;
export type Reduction = (typeof REDUCTIONS)[number];

/** Shapes of a ScatterND: k index components address a slice of `slice` elements. */
interface ScatterPlan {
  readonly reduction: Reduction;
  readonly k: number;
  readonly updates: number;
  readonly slice: number;
}

/** The `reduction` attribute, checked against the data type (shared with ScatterElements). */
export function scatterReduction(node: Node, data: ValueInfo, updates: ValueInfo): Reduction {
  const reduction = checkOneOf(node, "reduction", attrString(node, "reduction", "none") as Reduction, REDUCTIONS);
  if (reduction !== "none" && (data.dtype === "float16" || data.dtype === "bool")) {
    fail("unsupported-dtype", nodeLabel(node), `reduction "${reduction}" is not supported for ${data.dtype} data`);
  }
  if (data.dtype !== updates.dtype) fail("bad-shape", nodeLabel(node), `updates are ${updates.dtype}, data is ${data.dtype}`);
  return reduction;
}

function planScatter(node: Node, data: ValueInfo, indices: ValueInfo, updates: ValueInfo): ScatterPlan {
  checkIndexType(node, indices, ["int64"]);
  const reduction = scatterReduction(node, data, updates);
  const q = indices.shape.length;
  const k = q === 0 ? 0 : indices.shape[q - 1]!;
  if (q === 0 || k < 1 || k > data.shape.length) {
    fail("bad-shape", nodeLabel(node), `indices shape ${shapeToString(indices.shape)} must end in a dimension of 1 to ${data.shape.length} (the data's rank)`);
  }
  const want = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  if (!sameShape(want, updates.shape)) {
    fail("bad-shape", nodeLabel(node), `updates must have shape ${shapeToString(want)} (indices.shape[:-1] + data.shape[${k}:]), got ${shapeToString(updates.shape)}`);
  }
  return { reduction, k, updates: numel(indices.shape.slice(0, -1)), slice: numel(data.shape.slice(k)) };
}

export function combine(reduction: Reduction, old: number, upd: number): number {
  switch (reduction) {
    case "none": return upd;
    case "add": return old + upd;
    case "mul": return old * upd;
    case "max": return upd > old ? upd : old;
    case "min": return upd < old ? upd : old;
  }
}

/**
 * The C statement combining update `src` into `dst` (lvalues of C type T). Integer add/mul are
 * computed in the unsigned wrap type: a signed overflow would be undefined behaviour.
 */
export function combineC(reduction: Reduction, dtype: DType, dst: string, src: string): string {
  const info = DTYPES[dtype];
  const T = info.ctype;
  const wrap = info.isFloat || dtype === "bool" ? T : info.bytes === 8 ? "uint64_t" : "uint32_t";
  switch (reduction) {
    case "none": return `${dst} = ${src};`;
    case "add": return `${dst} = (${T})((${wrap})${dst} + (${wrap})${src});`;
    case "mul": return `${dst} = (${T})((${wrap})${dst} * (${wrap})${src});`;
    case "max": return `if (${src} > ${dst}) ${dst} = ${src};`;
    case "min": return `if (${src} < ${dst}) ${dst} = ${src};`;
  }
}

function scatterFnName(reduction: Reduction, dtype: DType): string {
  return `eg_scatternd_${reduction}_${DTYPES[dtype].suffix}`;
}

/**
 * y = data, then for each update u: y[slice at indices[u]] (op)= updates[u]. An index outside
 * the data (after negative wrap) skips that update, so run-time indices never write out of bounds.
 */
function scatterFnCode(reduction: Reduction, dtype: DType): string {
  const T = DTYPES[dtype].ctype;
  return `static void ${scatterFnName(reduction, dtype)}(const ${T} *data, const int64_t *idx, const ${T} *upd, ${T} *y,
    int32_t n_data, int32_t n_upd, int32_t k, int32_t slice, const int32_t *dims, const int32_t *strides) {
  int32_t u, j, e;
  if (y != data) memcpy(y, data, (size_t)n_data * sizeof(${T}));
  for (u = 0; u < n_upd; u++) {
    const int64_t *t = idx + (size_t)u * (size_t)k;
    const ${T} *src = upd + (size_t)u * (size_t)slice;
    ${T} *dst;
    int32_t off = 0;
    int in_range = 1;
    for (j = 0; j < k && in_range; j++) {
      int64_t i = t[j];
      if (i < 0) i += dims[j];
      in_range = i >= 0 && i < dims[j];
      if (in_range) off += (int32_t)i * strides[j];
    }
    if (!in_range) continue; /* out-of-range index: the update is skipped */
    dst = y + off;
    for (e = 0; e < slice; e++) {
      ${combineC(reduction, dtype, "dst[e]", "src[e]")}
    }
  }
}
`;
}

/**
 * Reference scatter shared with ScatterElements: y = data, then update slice u (`slice` elements,
 * contiguous in `updates`) is written or combined at element offset offsets[u], in order.
 */
export function scatterUpdates(data: Tensor, updates: Tensor, reduction: Reduction, offsets: readonly number[], slice: number): Tensor {
  const out = new Tensor(data.dtype, data.shape);
  copyElements(data.data, 0, out.data, 0, data.size);
  if (reduction === "none") {
    offsets.forEach((off, u) => copyElements(updates.data, u * slice, out.data, off, slice));
    return out;
  }
  const view = out.toNumbers();
  const upd = updates.toNumbers();
  // Repeated indices combine step by step in the storage precision, as the C does.
  const round = data.dtype === "float32" ? Math.fround : (v: number) => v;
  offsets.forEach((off, u) => {
    for (let e = 0; e < slice; e++) view[off + e] = round(combine(reduction, view[off + e]!, upd[u * slice + e]!));
  });
  return Tensor.fromNumbers(data.dtype, data.shape, view);
}

/** ScatterND (reduction none/add/mul/max/min): copies data and writes the update slices. */
export const ScatterND: OpDef = {
  name: "ScatterND",
  family: "gather",
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, [data, indices, updates]) {
    planScatter(node, data!, indices!, updates!);
    return [{ dtype: data!.dtype, shape: data!.shape }];
  },
  evaluate(node, [data, indices, updates]) {
    const p = planScatter(node, data!, indices!, updates!);
    const strides = stridesOf(data!.shape);
    const idx = indices!.toArray();
    const offsets = Array.from({ length: p.updates }, (_, u) => {
      let off = 0;
      for (let j = 0; j < p.k; j++) off += resolveIndex(node, idx[u * p.k + j]!, data!.shape[j]!, "ScatterND") * strides[j]!;
      return off;
    });
    return [scatterUpdates(data!, updates!, p.reduction, offsets, p.slice)];
  },
  emitC(node, ctx) {
    const [dataName, idxName, updName] = node.inputs as [string, string, string];
    const data = ctx.info(dataName);
    const p = planScatter(node, data, ctx.info(idxName), ctx.info(updName));
    const fn = scatterFnName(p.reduction, data.dtype);
    ctx.define(fn, scatterFnCode(p.reduction, data.dtype));
    const dims = ctx.constArray("int32_t", data.shape.slice(0, p.k));
    const strides = ctx.constArray("int32_t", stridesOf(data.shape).slice(0, p.k));
    ctx.line(
      `${fn}(${ctx.ptr(dataName)}, ${ctx.ptr(idxName)}, ${ctx.ptr(updName)}, ${ctx.ptr(node.outputs[0]!)}, ${numel(data.shape)}, ${p.updates}, ${p.k}, ${p.slice}, ${dims}, ${strides});`,
    );
  },
};
