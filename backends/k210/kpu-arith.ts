/**
 * Integer helpers of the KPU reference model (K210-KPU.md §3). Exact for every integer argument:
 * `number` is used while the value stays below 2^52 in magnitude, `bigint` beyond that, so the
 * results never depend on float rounding.
 */

const TWO52 = 2 ** 52;

/** floor(x / 2^s) for an integer x with |x| < 2^53: the spec's arithmetic `>>`. */
export function floorShift(x: number, s: number): number {
  return Math.floor(x / 2 ** s);
}

/** floor((a·b) / 2^s) exactly, for integers a, b with |a|,|b| < 2^53. */
export function mulFloorShift(a: number, b: number, s: number): number {
  const p = a * b;
  if (Math.abs(p) < TWO52) return floorShift(p, s);
  const q = (BigInt(a) * BigInt(b)) >> BigInt(s);
  return Number(q);
}

/** How the activation stage rounds R(p, s) (§3.3 vs §3.5). */
export type KpuRounding = "v0.2" | "v0.1";

/**
 * R(p, s) of nncase v0.2 (`carry_shift<int64,true>`, §3.3): round half to even for p ≥ 0; the
 * same integer recipe (which is not a correct rounding) for p < 0.
 */
export function roundShiftV02(p: bigint, s: number): bigint {
  if (s === 0) return p;
  const sb = BigInt(s);
  const i = p >> sb;
  const f = p - (i << sb);
  const h = 1n << (sb - 1n);
  const sigma = p < 0n ? -1n : 1n;
  if (f < h) return i;
  if (f > h) return i + sigma;
  return (i & 1n) === 1n ? i + sigma : i;
}

/** R'(p, s) of nncase v0.1 and the SDK's `kpu_carry_shift` (§3.5); R'(p, 0) = p. */
export function roundShiftV01(p: bigint, s: number): bigint {
  if (s === 0) return p;
  const q = p >> BigInt(s - 1);
  if ((q & 1n) === 1n) return p < 0n ? (q >> 1n) - 1n : (q >> 1n) + 1n;
  return q >> 1n;
}

/** R(p, s) on numbers; p must be an exact integer with |p| < 2^52 (callers use bigint beyond). */
export function roundShift(p: number, s: number, rounding: KpuRounding): number {
  if (s === 0) return p;
  const scale = 2 ** s;
  if (rounding === "v0.2") {
    const i = Math.floor(p / scale);
    const f = p - i * scale;
    const h = scale / 2;
    const sigma = p < 0 ? -1 : 1;
    if (f < h) return i;
    if (f > h) return i + sigma;
    return Math.abs(i % 2) === 1 ? i + sigma : i;
  }
  const q = Math.floor(p / (scale / 2));
  const half = Math.floor(q / 2);
  if (Math.abs(q % 2) === 1) return p < 0 ? half - 1 : half + 1;
  return half;
}
