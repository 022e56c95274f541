import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { normAxis, numel, sameShape, shapeToString, stridesOf } from "../shape.js";
import { checkIndexType, resolveIndex } from "./gather-common.js";
import { combineC, scatterReduction, scatterUpdates, type Reduction } from "./scatternd.js";

/** Mirrors EG_MAX_RANK in runtime-c/egret.h. */
const EG_MAX_RANK = 8;

/**
 * ScatterElements (and its opset 9-10 name Scatter): y = data, then for every position p of
 * `indices`, y[p with its `axis` coordinate replaced by indices[p]] (op)= updates[p], in row-major
 * order of p (so with reduction "none" the last duplicate wins). An index outside the axis skips
 * that update in C; the interpreter reports it as a model error.
 */
interface ScatterElementsPlan {
  readonly axis: number;
  readonly reduction: Reduction;
}

function planScatterElements(node: Node, data: ValueInfo, indices: ValueInfo, updates: ValueInfo): ScatterElementsPlan {
  checkIndexType(node, indices);
  const reduction = scatterReduction(node, data, updates);
  const rank = data.shape.length;
  const raw = attrInt(node, "axis", 0);
  const axis = normAxis(raw, rank);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for rank-${rank} data (valid: ${-rank} to ${rank - 1})`);
  if (!sameShape(indices.shape, updates.shape)) {
    fail("bad-shape", nodeLabel(node), `indices ${shapeToString(indices.shape)} and updates ${shapeToString(updates.shape)} must have the same shape`);
  }
  if (indices.shape.length !== rank) fail("bad-shape", nodeLabel(node), `indices must have the data's rank ${rank}, got rank ${indices.shape.length}`);
  indices.shape.forEach((d, i) => {
    if (i !== axis && d > data.shape[i]!) fail("bad-shape", nodeLabel(node), `indices dimension ${i} (${d}) exceeds the data's (${data.shape[i]})`);
  });
  if (rank > EG_MAX_RANK) fail("bad-shape", nodeLabel(node), `rank ${rank} is above the C kernels' limit of ${EG_MAX_RANK}`);
  return { axis, reduction };
}

function fnName(reduction: Reduction, dtype: DType, index: "int32" | "int64"): string {
  return `eg_scatter_elements_${reduction}_${DTYPES[dtype].suffix}_${index === "int64" ? "i64" : "i32"}`;
}

function fnCode(reduction: Reduction, dtype: DType, index: "int32" | "int64"): string {
  const T = DTYPES[dtype].ctype;
  const I = index === "int64" ? "int64_t" : "int32_t";
  return `/* ScatterElements: y = data, then y[pos with pos[axis] = idx[p]] (op)= upd[p] for every p in idx's
   shape (row-major); an out-of-range index skips its update. */
static void ${fnName(reduction, dtype, index)}(const ${T} *data, const ${I} *idx, const ${T} *upd, ${T} *y, int32_t n_data,
    int32_t rank, int32_t axis, const int32_t *idx_dims, const int32_t *strides, int32_t axis_len) {
  int32_t pos[EG_MAX_RANK] = { 0 };
  int32_t n = 1, p, d;
  if (y != data) memcpy(y, data, (size_t)n_data * sizeof(${T}));
  for (d = 0; d < rank; d++) n *= idx_dims[d];
  for (p = 0; p < n; p++) {
    int64_t at = (int64_t)idx[p];
    if (at < 0) at += axis_len;
    if (at >= 0 && at < axis_len) {
      int32_t off = 0;
      for (d = 0; d < rank; d++) off += (d == axis ? (int32_t)at : pos[d]) * strides[d];
      ${combineC(reduction, dtype, "y[off]", "upd[p]")}
    }
    for (d = rank - 1; d >= 0; d--) {
      if (++pos[d] < idx_dims[d]) break;
      pos[d] = 0;
    }
  }
}`;
}

function scatterElementsOp(name: "ScatterElements" | "Scatter"): OpDef {
  return {
    name,
    family: "gather",
    dataTypes: "any (reductions: numeric)",
    inputs: { min: 3, max: 3 },
    outputs: { min: 1, max: 1 },
    infer(node, [data, indices, updates]) {
      planScatterElements(node, data!, indices!, updates!);
      return [{ dtype: data!.dtype, shape: data!.shape }];
    },
    evaluate(node, [data, indices, updates]) {
      const p = planScatterElements(node, data!, indices!, updates!);
      const strides = stridesOf(data!.shape);
      const idxStrides = stridesOf(indices!.shape);
      const idx = indices!.toArray();
      const offsets = idx.map((i, q) =>
        strides.reduce((off, st, d) => off + (d === p.axis ? resolveIndex(node, i, data!.shape[d]!, name) : Math.floor(q / idxStrides[d]!) % indices!.shape[d]!) * st, 0),
      );
      return [scatterUpdates(data!, updates!, p.reduction, offsets, 1)];
    },
    emitC(node, ctx) {
      const [dataName, idxName, updName] = node.inputs as [string, string, string];
      const data = ctx.info(dataName);
      const idx = ctx.info(idxName);
      const p = planScatterElements(node, data, idx, ctx.info(updName));
      const index = checkIndexType(node, idx);
      const fn = fnName(p.reduction, data.dtype, index);
      ctx.define(fn, fnCode(p.reduction, data.dtype, index));
      const dims = ctx.constArray("int32_t", idx.shape);
      const strides = ctx.constArray("int32_t", stridesOf(data.shape));
      ctx.line(
        `${fn}(${ctx.ptr(dataName)}, ${ctx.ptr(idxName)}, ${ctx.ptr(updName)}, ${ctx.ptr(node.outputs[0]!)}, ${numel(data.shape)}, ${data.shape.length}, ${p.axis}, ${dims}, ${strides}, ${data.shape[p.axis]});`,
      );
    },
  };
}

export const ScatterElements = scatterElementsOp("ScatterElements");
/** Scatter (opset 9-10) is ScatterElements without `reduction`. */
export const Scatter = scatterElementsOp("Scatter");
