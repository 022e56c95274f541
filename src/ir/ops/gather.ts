import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, stridesOf, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkIndexType, copyElements, resolveIndex } from "./gather-common.js";
import { GatherND } from "./gather-nd.js";
import { Scatter, ScatterElements } from "./scatter-elements.js";
import { ScatterND } from "./scatternd.js";

/** Mirrors EG_MAX_RANK in runtime-c/egret.h. */
const EG_MAX_RANK = 8;

function gatherAxis(node: Node, data: Shape): number {
  const raw = attrInt(node, "axis", 0);
  const axis = normAxis(raw, data.length);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for rank-${data.length} data (valid: ${-data.length} to ${data.length - 1})`);
  return axis;
}

/** Gather: data[..., indices[j...], ...] along `axis`; any data dtype, int32/int64 indices. */
const Gather: OpDef = {
  name: "Gather",
  family: "gather",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, [data, indices]) {
    checkIndexType(node, indices!);
    const axis = gatherAxis(node, data!.shape);
    return [{ dtype: data!.dtype, shape: [...data!.shape.slice(0, axis), ...indices!.shape, ...data!.shape.slice(axis + 1)] }];
  },
  evaluate(node, [data, indices]) {
    const axis = gatherAxis(node, data!.shape);
    const outShape = [...data!.shape.slice(0, axis), ...indices!.shape, ...data!.shape.slice(axis + 1)];
    const out = new Tensor(data!.dtype, outShape);
    const outer = numel(data!.shape.slice(0, axis));
    const len = data!.shape[axis]!;
    const inner = numel(data!.shape.slice(axis + 1));
    const idx = indices!.toArray().map((i) => resolveIndex(node, i, len, "Gather"));
    for (let o = 0; o < outer; o++) {
      idx.forEach((at, j) => copyElements(data!.data, (o * len + at) * inner, out.data, (o * idx.length + j) * inner, inner));
    }
    return [out];
  },
  emitC(node, ctx) {
    const [dataName, idxName] = node.inputs as [string, string];
    const data = ctx.info(dataName);
    const axis = gatherAxis(node, data.shape);
    const idx = ctx.info(idxName);
    ctx.useRuntime("gather");
    const fn = idx.dtype === "int64" ? "eg_gather_i64" : "eg_gather_i32";
    const outer = numel(data.shape.slice(0, axis));
    const inner = numel(data.shape.slice(axis + 1));
    ctx.line(
      `${fn}(${ctx.ptr(dataName)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.ptr(idxName)}, ${outer}, ${data.shape[axis]}, ${numel(idx.shape)}, ${inner}, ${DTYPES[data.dtype].bytes});`,
    );
  },
};

function checkElementsShapes(node: Node, data: ValueInfo, indices: ValueInfo, axis: number): void {
  if (indices.shape.length !== data.shape.length) {
    fail("bad-shape", nodeLabel(node), `indices must have the data's rank ${data.shape.length}, got rank ${indices.shape.length}`);
  }
  indices.shape.forEach((d, i) => {
    if (i !== axis && d > data.shape[i]!) fail("bad-shape", nodeLabel(node), `indices dimension ${i} (${d}) exceeds the data's (${data.shape[i]})`);
  });
  if (data.shape.length > EG_MAX_RANK) fail("bad-shape", nodeLabel(node), `rank ${data.shape.length} is above the C kernels' limit of ${EG_MAX_RANK}`);
}

/** GatherElements: output[p] = data[p with its `axis` coordinate replaced by indices[p]]. */
const GatherElements: OpDef = {
  name: "GatherElements",
  family: "gather",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, [data, indices]) {
    checkIndexType(node, indices!);
    checkElementsShapes(node, data!, indices!, gatherAxis(node, data!.shape));
    return [{ dtype: data!.dtype, shape: indices!.shape }];
  },
  evaluate(node, [data, indices]) {
    const axis = gatherAxis(node, data!.shape);
    const out = new Tensor(data!.dtype, indices!.shape);
    const xStrides = stridesOf(data!.shape);
    const idxStrides = stridesOf(indices!.shape);
    const idx = indices!.toArray();
    for (let p = 0; p < idx.length; p++) {
      let off = 0;
      for (let d = 0; d < idxStrides.length; d++) {
        const coord = Math.floor(p / idxStrides[d]!) % indices!.shape[d]!;
        off += (d === axis ? resolveIndex(node, idx[p]!, data!.shape[axis]!, "GatherElements") : coord) * xStrides[d]!;
      }
      copyElements(data!.data, off, out.data, p, 1);
    }
    return [out];
  },
  emitC(node, ctx) {
    const [dataName, idxName] = node.inputs as [string, string];
    const data = ctx.info(dataName);
    const idx = ctx.info(idxName);
    const axis = gatherAxis(node, data.shape);
    ctx.useRuntime("gather");
    const fn = idx.dtype === "int64" ? "eg_gather_elements_i64" : "eg_gather_elements_i32";
    const dims = ctx.constArray("int32_t", idx.shape);
    const strides = ctx.constArray("int32_t", stridesOf(data.shape));
    ctx.line(
      `${fn}(${ctx.ptr(dataName)}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.ptr(idxName)}, ${data.shape.length}, ${axis}, ${dims}, ${strides}, ${data.shape[axis]}, ${DTYPES[data.dtype].bytes});`,
    );
  },
};

registerOps([Gather, GatherElements, GatherND, ScatterND, ScatterElements, Scatter]);
