import { fail } from "../../errors.js";
import type { TypedArray } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";

/**
 * Helpers shared by the indexing ops (Gather, GatherElements, ScatterND).
 *
 * Indices are run-time data for these ops. The reference evaluator rejects an out-of-range index
 * (the model is wrong), while the generated C never dereferences one: Gather and GatherElements
 * write zeros for it and ScatterND skips that update (see runtime-c/kernels/gather.h).
 */
export function checkIndexType(node: Node, indices: ValueInfo, allowed: readonly ("int32" | "int64")[] = ["int32", "int64"]): "int32" | "int64" {
  const t = indices.dtype;
  if ((t !== "int32" && t !== "int64") || !allowed.includes(t)) fail("unsupported-dtype", nodeLabel(node), `indices must be ${allowed.join(" or ")}, got ${t}`);
  return t;
}

/** Normalises index `i` against `len` (negative counts from the end) or fails naming the node. */
export function resolveIndex(node: Node, i: number, len: number, what: string): number {
  const j = i < 0 ? i + len : i;
  if (!(j >= 0 && j < len)) fail("bad-shape", nodeLabel(node), `${what} index ${i} is out of range for a dimension of size ${len} (valid: ${-len} to ${len - 1})`);
  return j;
}

/**
 * Copies `n` elements between two arrays of the same dtype without going through doubles, so
 * int64 values (INT64_MAX in shape arithmetic) survive exactly.
 */
export function copyElements(src: TypedArray, srcOffset: number, dst: TypedArray, dstOffset: number, n: number): void {
  // Both arrays have the same concrete type (same dtype); `set` works on any TypedArray pair of it.
  (dst as Float64Array).set((src as unknown as Float64Array).subarray(srcOffset, srcOffset + n), dstOffset);
}
