import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";

/**
 * Compile-time facts of eg_qdepthwise_i8_rows (runtime-c/kernels/qdepthwise_i8_rows.c): whether a
 * depthwise layer's shape fits it, its ring geometry and scratch, and the operands it reads from
 * flash (weight pairs, per-channel bias and requantization), with the exactness conditions under
 * which its SMMLAR requantization equals TFLM's. Pure functions: no IR, no emission.
 */

/** ROWS_MAX_KH of the C kernel (its row-pointer array). */
export const ROWS_MAX_KH = 16;

export interface RowsGeometry {
  /** Channels per ring (G), ring rows (R), int16 columns per row (WP, even). */
  readonly g: number;
  readonly r: number;
  readonly wp: number;
  /** Scratch bytes: R * G * WP * 2. */
  readonly scratchBytes: number;
}

/** CMSIS-NN's arm_depthwise_conv_s8_opt scratch for the same layer: C * KH * KW int16. */
export function cmsisDepthwiseScratch(p: ConvPlan): number {
  return 2 * p.c * p.kh * p.kw;
}

/**
 * The ring of a layer, or the reason it does not fit: depth multiplier 1, horizontal dilation 1,
 * KH <= ROWS_MAX_KH, and scratch no larger than CMSIS-NN's (one channel a ring: the smallest).
 */
export function rowsGeometry(p: ConvPlan): RowsGeometry | string {
  if (p.dtype !== "int8") return `needs int8 activations, got ${p.dtype}`;
  if (p.cg !== 1) return `needs depth multiplier 1, got ${p.cg}`;
  if (p.dw !== 1) return `needs horizontal dilation 1, got ${p.dw}`;
  if (p.kh > ROWS_MAX_KH) return `needs at most ${ROWS_MAX_KH} kernel rows, got ${p.kh}`;
  const ne = Math.ceil(p.kw / 2);
  const no = Math.floor(p.kw / 2) + 1;
  // Columns read: one output at a time up to (OW-1)*SW + 2*NE - 1; stride-1 pairs up to OW + 2*NO - 3.
  const need = Math.max((p.ow - 1) * p.sw + 2 * ne, p.sw === 1 ? p.ow + 2 * no - 2 : 0, 2);
  const wp = need + (need & 1);
  const r = (p.kh - 1) * p.dh + 1;
  const g = 1;
  const scratchBytes = 2 * r * g * wp;
  if (scratchBytes > cmsisDepthwiseScratch(p)) return `needs ${scratchBytes} bytes of scratch, more than CMSIS-NN's ${cmsisDepthwiseScratch(p)}`;
  return { g, r, wp, scratchBytes };
}

/** A word of two int16 (lo, hi), unsigned. */
function pack(lo: number, hi: number): number {
  return ((lo & 0xffff) | ((hi & 0xffff) << 16)) >>> 0;
}

/**
 * Per channel, per kernel row: the NE even pairs (2w[2j], 2w[2j+1]) then the NO odd pairs
 * (2w[2j-1], 2w[2j]), 0 outside the kernel. w is [1, KH, KW, C].
 */
export function rowsWeightWords(w: ArrayLike<number>, p: ConvPlan): number[] {
  const tap = (ch: number, ky: number, kx: number): number => (kx < 0 || kx >= p.kw ? 0 : 2 * w[(ky * p.kw + kx) * p.c + ch]!);
  const words: number[] = [];
  for (let ch = 0; ch < p.c; ch++) {
    for (let ky = 0; ky < p.kh; ky++) {
      for (let j = 0; j < Math.ceil(p.kw / 2); j++) words.push(pack(tap(ch, ky, 2 * j), tap(ch, ky, 2 * j + 1)));
      for (let j = 0; j <= Math.floor(p.kw / 2); j++) words.push(pack(tap(ch, ky, 2 * j - 1), tap(ch, ky, 2 * j)));
    }
  }
  return words;
}

/**
 * Per channel [2 * folded bias, m, K, r] (rqc of the kernel), or the reason the kernel would not be
 * bit-exact: |accumulator| < 2^30 for every int8 input (so 2a fits int32 and SMMLAR(2a, m) is
 * SRDHM(a, m)), multiplier >= 0, right shift r >= 1, and |K| + 2^30 + 1 < 2^31 (the SMMLAR sum).
 */
export function rowsRequantWords(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const words: number[] = [];
  for (let ch = 0; ch < p.c; ch++) {
    let sum = 0;
    let abs = 0;
    for (let t = 0; t < p.kh * p.kw; t++) {
      const v = w[t * p.c + ch]!;
      sum += v;
      abs += Math.abs(v);
    }
    const folded = (bias === undefined ? 0 : Number(bias[ch]!)) + p.xOffset * sum;
    if (Math.abs(folded) + 128 * abs >= 2 ** 30) return `channel ${ch}'s accumulator can reach 2^30`;
    const m = p.multipliers[ch]!;
    const r = -p.shifts[ch]!;
    if (m < 0 || r < 1) return `channel ${ch}'s requantization (multiplier ${m}, shift ${-r}) needs a right shift`;
    const k = 2 ** (r - 1) + p.yOffset * 2 ** r;
    if (Math.abs(k) + 2 ** 30 + 1 >= 2 ** 31) return `channel ${ch}'s right shift ${r} is too large`;
    words.push(2 * folded, m, k, r);
  }
  return words;
}
