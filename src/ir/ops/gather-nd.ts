import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { DTYPES } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkIndexType, copyElements, resolveIndex } from "./gather-common.js";

/**
 * GatherND: the last dimension of `indices` (k entries) addresses a slice of `data` after the
 * first `batch_dims` dimensions, which indices and data share. Output shape:
 * indices.shape[:-1] + data.shape[batch_dims + k:]. An out-of-range run-time index gives a zero
 * slice in C (never an out-of-bounds read); the interpreter reports it as a model error.
 */
interface GatherNdPlan {
  readonly batches: number;
  /** Index tuples per batch. */
  readonly perBatch: number;
  readonly k: number;
  /** The k indexed dimensions and their strides in data (elements). */
  readonly dims: readonly number[];
  readonly strides: readonly number[];
  readonly slice: number;
  /** Elements of data per batch. */
  readonly batchStride: number;
  readonly outShape: readonly number[];
}

function planGatherNd(node: Node, data: ValueInfo, indices: ValueInfo): GatherNdPlan {
  checkIndexType(node, indices);
  const b = attrInt(node, "batch_dims", 0);
  const r = data.shape.length;
  const q = indices.shape.length;
  if (b < 0 || b >= Math.min(r, q)) fail("bad-attribute", nodeLabel(node), `batch_dims ${b} must be at least 0 and below both ranks (data ${r}, indices ${q})`);
  for (let i = 0; i < b; i++) {
    if (data.shape[i] !== indices.shape[i]) {
      fail("bad-shape", nodeLabel(node), `the first ${b} dimensions of data ${shapeToString(data.shape)} and indices ${shapeToString(indices.shape)} must match (batch_dims)`);
    }
  }
  const k = indices.shape[q - 1]!;
  if (k < 1 || k > r - b) fail("bad-shape", nodeLabel(node), `indices end in ${k}; it must be 1 to ${r - b} (data rank minus batch_dims)`);
  const strides = stridesOf(data.shape);
  return {
    batches: numel(data.shape.slice(0, b)),
    perBatch: numel(indices.shape.slice(b, q - 1)),
    k,
    dims: data.shape.slice(b, b + k),
    strides: strides.slice(b, b + k),
    slice: numel(data.shape.slice(b + k)),
    batchStride: numel(data.shape.slice(b)),
    outShape: [...indices.shape.slice(0, q - 1), ...data.shape.slice(b + k)],
  };
}

function gatherNdCode(fn: string, index: "int32_t" | "int64_t"): string {
  return `/* GatherND: tuple t of batch b addresses slice sum(idx[j] * strides[j]) of batch b; an
   out-of-range index (after negative wrap) gives a zero slice. Elements move as bytes. */
static void ${fn}(const uint8_t *x, uint8_t *y, const ${index} *idx, int32_t batches, int32_t per_batch, int32_t k,
    const int32_t *dims, const int32_t *strides, int32_t slice, int32_t batch_stride, int32_t elem) {
  int32_t b, t, j;
  const size_t bytes = (size_t)slice * (size_t)elem;
  for (b = 0; b < batches; b++) {
    for (t = 0; t < per_batch; t++) {
      const ${index} *tuple = idx + ((size_t)b * (size_t)per_batch + (size_t)t) * (size_t)k;
      uint8_t *dst = y + ((size_t)b * (size_t)per_batch + (size_t)t) * bytes;
      size_t off = (size_t)b * (size_t)batch_stride;
      int in_range = 1;
      for (j = 0; j < k && in_range; j++) {
        int64_t i = (int64_t)tuple[j];
        if (i < 0) i += dims[j];
        in_range = i >= 0 && i < dims[j];
        if (in_range) off += (size_t)i * (size_t)strides[j];
      }
      if (in_range) memcpy(dst, x + off * (size_t)elem, bytes);
      else memset(dst, 0, bytes);
    }
  }
}`;
}

export const GatherND: OpDef = {
  name: "GatherND",
  family: "gather",
  dataTypes: "any",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, [data, indices]) {
    return [{ dtype: data!.dtype, shape: planGatherNd(node, data!, indices!).outShape }];
  },
  evaluate(node, [data, indices]) {
    const p = planGatherNd(node, data!, indices!);
    const out = new Tensor(data!.dtype, p.outShape);
    const idx = indices!.toArray();
    for (let b = 0; b < p.batches; b++) {
      for (let t = 0; t < p.perBatch; t++) {
        const tuple = (b * p.perBatch + t) * p.k;
        let off = b * p.batchStride;
        for (let j = 0; j < p.k; j++) off += resolveIndex(node, idx[tuple + j]!, p.dims[j]!, "GatherND") * p.strides[j]!;
        copyElements(data!.data, off, out.data, (b * p.perBatch + t) * p.slice, p.slice);
      }
    }
    return [out];
  },
  emitC(node, ctx) {
    const [dataName, idxName] = node.inputs as [string, string];
    const data = ctx.info(dataName);
    const idx = ctx.info(idxName);
    const p = planGatherNd(node, data, idx);
    if (numel(p.outShape) === 0) {
      ctx.line("/* empty output: nothing to gather */");
      return;
    }
    const index = checkIndexType(node, idx) === "int64" ? "int64_t" : "int32_t";
    const fn = `eg_gather_nd_${index === "int64_t" ? "i64" : "i32"}`;
    ctx.define(fn, gatherNdCode(fn, index));
    ctx.line(
      `${fn}((const uint8_t *)${ctx.ptr(dataName)}, (uint8_t *)${ctx.ptr(node.outputs[0]!)}, ${ctx.ptr(idxName)}, ${p.batches}, ${p.perBatch}, ${p.k}, ${ctx.constArray("int32_t", p.dims)}, ${ctx.constArray("int32_t", p.strides)}, ${p.slice}, ${p.batchStride}, ${DTYPES[data.dtype].bytes});`,
    );
  },
};
