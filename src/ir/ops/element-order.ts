import type { Tensor } from "../tensor.js";

/**
 * The order TopK and Unique sort elements in: stored values compared as they are (exact for int64
 * and uint64 as BigInt), NaN equal to itself and above every number (numpy's sort order).
 * Returns <0, 0 or >0.
 */
export function compareElements(a: number | bigint, b: number | bigint): number {
  const an = typeof a === "number" && Number.isNaN(a);
  const bn = typeof b === "number" && Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A tensor's elements as `compareElements` takes them: stored values, float16 decoded from its bits. */
export function comparableElements(t: Tensor): ArrayLike<number | bigint> {
  return t.dtype === "float16" ? t.toNumbers() : t.data;
}
