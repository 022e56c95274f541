import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { requant2aWords } from "./requant-2a.js";

/**
 * Compile-time facts of eg_qdepthwise_i8_rows (runtime-c/kernels/qdepthwise_i8_rows.c): whether a
 * depthwise layer's shape fits it, its ring geometry and scratch, and the operands it reads from
 * flash (weight pairs, per-channel bias and requantization), with the exactness conditions under
 * which its SMMLAR requantization equals TFLM's. Pure functions: no IR, no emission.
 */

/** ROWS_MAX_KH of the C kernel (its row-pointer array). */
export const ROWS_MAX_KH = 16;

export interface RowsGeometry {
  /** Whether the image axes are swapped (rows run along the input's H). */
  readonly transposed: boolean;
  /** Ring rows (R), int16 columns per row (WP, even). */
  readonly r: number;
  readonly wp: number;
  /** Scratch bytes: R * WP * 2. */
  readonly scratchBytes: number;
  /**
   * Output columns per tile (the oriented OW when the ring holds whole rows): narrower, the rows
   * run in column tiles (depthwise-rows-tiles.ts, qdepthwise_i8_rows_tiles.c) and WP is a tile's.
   */
  readonly tileWidth: number;
}

/** CMSIS-NN's arm_depthwise_conv_s8_opt scratch for the same layer: C * KH * KW int16. */
export function cmsisDepthwiseScratch(p: ConvPlan): number {
  return 2 * p.c * p.kh * p.kw;
}

/** The axes of a layer as the kernel runs it: rows along `w`, the ring across `h`. */
export interface Oriented {
  readonly h: number; readonly w: number; readonly oh: number; readonly ow: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number;
  readonly dh: number; readonly dw: number; readonly padTop: number; readonly padLeft: number;
}

export function oriented(p: ConvPlan, transposed: boolean): Oriented {
  if (!transposed) return p;
  return {
    h: p.w, w: p.h, oh: p.ow, ow: p.oh, kh: p.kw, kw: p.kh, sh: p.sw, sw: p.sh, dh: p.dw, dw: p.dh, padTop: p.padLeft, padLeft: p.padTop,
  };
}

/** The ring of one orientation, or why it does not fit. */
function ringOf(p: ConvPlan, transposed: boolean): RowsGeometry | string {
  const o = oriented(p, transposed);
  if (o.dw !== 1) return `needs dilation 1 along one image axis, got ${p.dh}x${p.dw}`;
  if (o.kh > ROWS_MAX_KH) return `needs at most ${ROWS_MAX_KH} kernel rows, got ${o.kh}`;
  const ne = Math.ceil(o.kw / 2);
  const no = Math.floor(o.kw / 2) + 1;
  // Columns read: one output at a time up to (OW-1)*SW + 2*NE - 1; stride-1 pairs (the last one
  // whole even when OW is odd) up to OW + 2*NO - 2.
  const need = Math.max((o.ow - 1) * o.sw + 2 * ne, o.sw === 1 ? o.ow + 2 * no - 1 : 0, 2);
  const wp = need + (need & 1);
  // Rows of 6 or 12 on small maps: whole planes of a channel group (isRows3x3Planes), not rings.
  if (isRows3x3Planes(p, o)) {
    const g = rows3x3PlaneChannels(o);
    return { transposed, r: g * (o.oh + 2), wp: 32 / g, scratchBytes: 64 * (o.oh + 2), tileWidth: o.ow };
  }
  // 3x3 at stride 1 along both axes with channels a multiple of 4: four channels' rings (R = 12)
  // when they fit CMSIS-NN's scratch, built together from word loads (qdepthwise_i8_ring4.c).
  const four = isRows3x3(o) && o.sh === 1 && p.c % 4 === 0 && 2 * 12 * wp <= cmsisDepthwiseScratch(p);
  // Square 5x5/7x7 at stride 2 on qdepthwise_i8_rows_k.c: a row for every padded input row the
  // windows read (qdepthwise_i8_rows_plane.c builds each channel's rows in one pass, no ring work
  // per output row) when that plane fits CMSIS-NN's scratch.
  const plane = isRowsPlaneShape(o) && runsRowsK(p, o) && 2 * planeRows(o) * wp <= cmsisDepthwiseScratch(p);
  const r = four ? 12 : plane ? planeRows(o) : (o.kh - 1) * o.dh + 1;
  const scratchBytes = 2 * r * wp;
  if (scratchBytes > cmsisDepthwiseScratch(p)) return `needs ${scratchBytes} bytes of scratch, more than CMSIS-NN's ${cmsisDepthwiseScratch(p)}`;
  return { transposed, r, wp, scratchBytes, tileWidth: o.ow };
}

/**
 * The ring of a layer, or the reason it does not fit: int8, depth multiplier 1, dilation 1 along
 * the rows, KH <= ROWS_MAX_KH, and scratch no larger than CMSIS-NN's. Rows run along the kernel's
 * axis of more than one tap when the other has one (Kx1 transposed, 1xK not: each SMLAD then adds
 * two taps, where a kernel row of one tap uses half of it), else along the longer output axis
 * (fewer, longer rows: less per-row work); along the other when only it fits.
 */
export function rowsGeometry(p: ConvPlan): RowsGeometry | string {
  if (p.dtype !== "int8") return `needs int8 activations, got ${p.dtype}`;
  if (p.cg !== 1) return `needs depth multiplier 1, got ${p.cg}`;
  const firstTransposed = p.kw === 1 && p.kh > 1 ? true : p.kh === 1 && p.kw > 1 ? false : p.oh > p.ow;
  const first = ringOf(p, firstTransposed);
  if (typeof first !== "string") return first;
  const second = ringOf(p, !firstTransposed);
  return typeof second === "string" ? first : second;
}

/** The kernel's parameter array (eg_qdepthwise_i8_rows's p) for a fitted geometry. */
export function rowsParams(p: ConvPlan, g: RowsGeometry): number[] {
  const o = oriented(p, g.transposed);
  const [inRow, inCol, outRow, outCol] = g.transposed ? [p.c, p.w * p.c, p.c, p.ow * p.c] : [p.w * p.c, p.c, p.ow * p.c, p.c];
  return [
    p.n, o.h, o.w, p.c, o.oh, o.ow, o.kh, o.kw, o.sh, o.sw, o.dh, o.padTop, o.padLeft, -p.xOffset, p.actMin, p.actMax,
    g.r, g.wp, inRow, inCol, outRow, outCol, p.h * p.w * p.c, p.oh * p.ow * p.c,
    // The tile width only for tiled rows (eg_qdepthwise_i8_rows_tiles's p[24]).
    ...(g.tileWidth < o.ow ? [g.tileWidth] : []),
  ];
}

/**
 * Whole padded planes of G channels (qdepthwise_i8_planes3x3.c: R = G * (OH + 2) rows of WP =
 * 32 / G, 64 bytes a row of all G) in place of rings: 3x3 stride 1, rows of 6 (G = 4) or 12
 * (G = 2) outputs (eg_qdepthwise_i8_six3x3 once or twice), the three-instruction
 * requantization's range and zero point, C % G == 0, within CMSIS-NN's scratch. The C kernel
 * tests the same geometry.
 */
export function isRows3x3Planes(p: ConvPlan, o: Oriented): boolean {
  return isRows3x3(o) && o.sh === 1 && (o.ow === 6 || o.ow === 12) && p.c % rows3x3PlaneChannels(o) === 0 && p.actMin === -128 && p.actMax === 127
    && p.yOffset === -128 && 64 * (o.oh + 2) <= cmsisDepthwiseScratch(p);
}

/** Channels a plane group holds: 4 of 8 columns for rows of 6, 2 of 16 for rows of 12. */
export function rows3x3PlaneChannels(o: Oriented): number {
  return o.ow === 6 ? 4 : 2;
}

/** Whether the kernel runs its 3x3 stride-1 loop (the C kernel's `three`) on the oriented layer. */
export function isRows3x3(o: Oriented): boolean {
  return o.kh === 3 && o.kw === 3 && o.sw === 1 && o.dh === 1;
}

/** Square 5x5 or 7x7 at stride 2 along both axes, dilation 1: the shape eg_qdepthwise_i8_rows_plane runs. */
export function isRowsPlaneShape(o: Oriented): boolean {
  return o.kh === o.kw && (o.kw === 5 || o.kw === 7) && o.sh === 2 && o.sw === 2 && o.dh === 1;
}

/** Padded input rows the windows read, (OH - 1) * SH + KH: the plane's R (the kernel runs the plane when R >= this). */
export function planeRows(o: Oriented): number {
  return (o.oh - 1) * o.sh + o.kh;
}

/**
 * Whether eg_qdepthwise_i8_rows_plane (qdepthwise_i8_rows_plane.c) runs the layer in place of
 * eg_qdepthwise_i8_rows_k: its shape, rows_k's tests, and the plane's rows in the ring (R).
 */
export function runsRowsPlane(p: ConvPlan, g: RowsGeometry): boolean {
  const o = oriented(p, g.transposed);
  return isRowsPlaneShape(o) && runsRowsK(p, o) && g.r >= planeRows(o);
}

/** What eg_qdepthwise_i8_rows_plane does per channel and output row (its prices' counts). */
export interface PlaneWork {
  /** Input values built into the plane per channel: input rows read x columns [lo, hi). */
  readonly builtPerChannel: number;
  /** Four-output groups per row of the whole-channel asm (5x5 with OW % 4 = 0), else 0. */
  readonly asmGroupsPerRow: number;
  /** Outputs the C-driven groups compute per row (4 a group, 2 for a pair; the asm rows' 0). */
  readonly outputsPerRow: number;
}

/** The plane kernel's counts for a layer it runs (runsRowsPlane), from qdepthwise_i8_rows_plane.c's geometry. */
export function planeWork(p: ConvPlan, g: RowsGeometry): PlaneWork {
  const o = oriented(p, g.transposed);
  const lo = Math.min(o.padLeft + (o.padLeft & 1), g.wp);
  const hi = Math.min(lo + o.w, g.wp);
  const full = Math.floor(o.ow / 4);
  const tail = o.ow % 4;
  const asm = o.kh === 5 && tail === 0;
  return {
    builtPerChannel: Math.min(o.h, g.r - o.padTop) * (hi - lo),
    asmGroupsPerRow: asm ? full : 0,
    outputsPerRow: asm ? 0 : 4 * full + (tail === 2 ? 2 : tail === 0 ? 0 : 4),
  };
}

/**
 * Whether eg_qdepthwise_i8_rows_k (qdepthwise_i8_rows_k.c) runs channel rows of the oriented
 * layer: outside the 3x3 stride-1 loops, widths 1..7 at stride 1 or 2, OW >= 4, the whole int8
 * clamp and output zero point -128 (its SMMLAR-ASR-SSAT form): the same tests it makes at run
 * time, so a layer for which this is false never needs its code (the emitter then leaves it out).
 */
export function runsRowsK(p: ConvPlan, o: Oriented): boolean {
  return !isRows3x3(o) && o.kw >= 1 && o.kw <= 7 && (o.sw === 1 || o.sw === 2) && o.ow >= 4 && p.actMin === -128 && p.actMax === 127 && p.yOffset === -128;
}

/**
 * Weight words per kernel row (the C kernel's WS): 2 for the 3x3 stride-1 loop, which reads only
 * E0 = (w0, w1) and O1 = (w1, w2); else the NE even and NO odd pairs.
 */
export function rowsWordsPerRow(o: Oriented): number {
  return isRows3x3(o) ? 2 : Math.ceil(o.kw / 2) + Math.floor(o.kw / 2) + 1;
}

/** Flash bytes of the weight pairs (rowsWeightWords). */
export function rowsWeightBytes(p: ConvPlan, g: RowsGeometry): number {
  const o = oriented(p, g.transposed);
  return 4 * p.c * o.kh * rowsWordsPerRow(o);
}

/** A word of two int16 (lo, hi), unsigned. */
function pack(lo: number, hi: number): number {
  return ((lo & 0xffff) | ((hi & 0xffff) << 16)) >>> 0;
}

/**
 * Per channel, per kernel row of the oriented kernel: the NE even pairs (2w[2j], 2w[2j+1]) then
 * the NO odd pairs (2w[2j-1], 2w[2j]), 0 outside the kernel; for the 3x3 stride-1 loop only
 * (2w0, 2w1), (2w1, 2w2). w is [1, KH, KW, C].
 */
export function rowsWeightWords(w: ArrayLike<number>, p: ConvPlan, g: RowsGeometry): number[] {
  const o = oriented(p, g.transposed);
  // Tap (ky, kx) of the oriented kernel: (kx, ky) of the layer's when the axes are swapped.
  const at = (ky: number, kx: number): number => (g.transposed ? kx * p.kw + ky : ky * p.kw + kx);
  const tap = (ch: number, ky: number, kx: number): number => (kx < 0 || kx >= o.kw ? 0 : 2 * w[at(ky, kx) * p.c + ch]!);
  const words: number[] = [];
  const three = isRows3x3(o);
  for (let ch = 0; ch < p.c; ch++) {
    for (let ky = 0; ky < o.kh; ky++) {
      if (three) {
        words.push(pack(tap(ch, ky, 0), tap(ch, ky, 1)), pack(tap(ch, ky, 1), tap(ch, ky, 2)));
        continue;
      }
      for (let j = 0; j < Math.ceil(o.kw / 2); j++) words.push(pack(tap(ch, ky, 2 * j), tap(ch, ky, 2 * j + 1)));
      for (let j = 0; j <= Math.floor(o.kw / 2); j++) words.push(pack(tap(ch, ky, 2 * j - 1), tap(ch, ky, 2 * j)));
    }
  }
  return words;
}

/** Per channel [2 * folded bias, m, K, r] (rqc of the kernel), or why it would not be bit-exact (requant2aWords). */
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
    const one = requant2aWords(`channel ${ch}`, folded, abs, p.multipliers[ch]!, p.shifts[ch]!, p.yOffset);
    if (typeof one === "string") return one;
    words.push(...one);
  }
  return words;
}
