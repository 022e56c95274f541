import type { EmitCtx } from "../emit-ctx.js";
import { fail } from "../../errors.js";
import { DTYPES, type DType, type TypedArray } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import { numel, stridesOf } from "../shape.js";

/**
 * The data-movement family's one primitive: a strided copy over an iteration space. Transpose,
 * Slice, Concat, Split, Expand, Tile and DepthToSpace are all "describe the copy, then run it"
 * (here for the interpreter, `eg_copy_nd` in runtime-c for the generated code), so both sides
 * share one description and differ only in who executes it.
 *
 * Element `index` of the iteration space copies src[srcOffset + index·srcStrides] to
 * dst[dstOffset + index·dstStrides]. Strides are in elements; negative ones walk backwards
 * (reversed slices), zero ones re-read (broadcast).
 */
export interface StridedCopy {
  readonly shape: readonly number[];
  readonly srcOffset: number;
  readonly srcStrides: readonly number[];
  readonly dstOffset: number;
  readonly dstStrides: readonly number[];
}

/** Largest rank `eg_copy_nd` accepts (EG_COPY_ND_MAX_RANK in runtime-c/kernels/copy_nd.h). */
const COPY_ND_MAX_RANK = 16;

/** A copy into a fresh row-major output of `shape` at offset 0, reading `src` with strides. */
export function copyIntoContiguous(shape: readonly number[], srcOffset: number, srcStrides: readonly number[]): StridedCopy {
  return { shape, srcOffset, srcStrides, dstOffset: 0, dstStrides: stridesOf(shape) };
}

/**
 * The same copy over the fewest axes: extent-1 axes dropped, neighbours merged when both sides
 * step through them contiguously. Keeps at least one axis so the kernel sees rank >= 1.
 */
export function simplifyCopy(copy: StridedCopy): StridedCopy {
  const shape: number[] = [];
  const src: number[] = [];
  const dst: number[] = [];
  copy.shape.forEach((extent, k) => {
    if (extent === 1) return;
    const last = shape.length - 1;
    const s = copy.srcStrides[k]!;
    const d = copy.dstStrides[k]!;
    if (last >= 0 && src[last] === s * extent && dst[last] === d * extent) {
      shape[last] = shape[last]! * extent;
      src[last] = s;
      dst[last] = d;
    } else {
      shape.push(extent);
      src.push(s);
      dst.push(d);
    }
  });
  if (shape.length === 0) return { ...copy, shape: [1], srcStrides: [1], dstStrides: [1] };
  return { shape, srcOffset: copy.srcOffset, srcStrides: src, dstOffset: copy.dstOffset, dstStrides: dst };
}

/** Element-wise view of any typed array; the copy never looks at values, so bits survive. */
type Elements = { [index: number]: unknown };

/** Runs a strided copy on tensor storage (reference semantics of `eg_copy_nd`). */
export function runCopy(dst: TypedArray, src: TypedArray, copy: StridedCopy): void {
  const c = simplifyCopy(copy);
  if (numel(c.shape) === 0) return;
  const to = dst as unknown as Elements;
  const from = src as unknown as Elements;
  const rank = c.shape.length;
  const index = new Array<number>(rank).fill(0);
  const inner = c.shape[rank - 1]!;
  const sInner = c.srcStrides[rank - 1]!;
  const dInner = c.dstStrides[rank - 1]!;
  let s = c.srcOffset;
  let d = c.dstOffset;
  for (;;) {
    for (let i = 0; i < inner; i++) to[d + i * dInner] = from[s + i * sInner];
    let k = rank - 2;
    for (; k >= 0; k--) {
      s += c.srcStrides[k]!;
      d += c.dstStrides[k]!;
      if (++index[k]! < c.shape[k]!) break;
      s -= c.srcStrides[k]! * c.shape[k]!;
      d -= c.dstStrides[k]! * c.shape[k]!;
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

/** C expression for element `offset` of a tensor's buffer. */
export function elementPtr(ctx: EmitCtx, name: string, offset: number): string {
  return offset === 0 ? ctx.ptr(name) : `(${ctx.ptr(name)} + ${offset})`;
}

/**
 * Emits a strided copy from tensor `src` into tensor `dst` (elements of `dtype`): a plain memcpy
 * when both sides are contiguous, else one `eg_copy_nd` call. Emits nothing for an empty copy.
 */
export function emitCopy(ctx: EmitCtx, node: Node, dst: string, src: string, dtype: DType, copy: StridedCopy): void {
  const c = simplifyCopy(copy);
  const count = numel(c.shape);
  if (count === 0) return;
  const bytes = DTYPES[dtype].bytes;
  const to = elementPtr(ctx, dst, c.dstOffset);
  const from = elementPtr(ctx, src, c.srcOffset);
  if (c.shape.length === 1 && c.srcStrides[0] === 1 && c.dstStrides[0] === 1) {
    ctx.line(`memcpy(${to}, ${from}, ${count * bytes}u);`);
    return;
  }
  if (c.shape.length > COPY_ND_MAX_RANK) {
    fail("unsupported-op", nodeLabel(node), `needs a ${c.shape.length}-axis copy; the C kernel handles at most ${COPY_ND_MAX_RANK}`);
  }
  ctx.useRuntime("copy_nd");
  const shape = ctx.constArray("int32_t", c.shape);
  const dstStrides = ctx.constArray("int32_t", c.dstStrides);
  const srcStrides = ctx.constArray("int32_t", c.srcStrides);
  ctx.line(`eg_copy_nd(${to}, ${from}, ${bytes}, ${c.shape.length}, ${shape}, ${dstStrides}, ${srcStrides});`);
}
