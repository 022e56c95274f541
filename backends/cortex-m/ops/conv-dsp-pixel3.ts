import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { channelRequant, pair } from "./conv-dsp-pixel.js";

/**
 * The pixel-major 3x3 kernel of one-channel first layers (runtime-c/kernels/qconv_i8_dsp_px3.c):
 * per output pixel the nine taps in 5 int16-pair registers, per output channel one compile-time
 * record (conv-dsp-pixel.ts' requantization words) streamed by two LDMs: 11.5 instructions per
 * 9 MACs (12.5 with the sign term), ~16 per pixel, where the row-gathering im2col GEMM spends
 * ~0.81 * 12 + 18 per output plus ~270 per pixel. Taken by QConv2DDsp for C = 1, 3x3, dilation 1, even O, full int8 clamp.
 */
export function pixel3x3Fits(p: ConvPlan): boolean {
  return p.dtype === "int8" && p.c === 1 && p.cg === 1 && p.kh === 3 && p.kw === 3 && p.dh === 1 && p.dw === 1 &&
    p.o % 2 === 0 && p.actMin === -128 && p.actMax === 127 && p.biasKind !== 2;
}

/**
 * The output pixels (per batch item) that px3_walk (qconv_i8_dsp_px3.c) reads through its
 * zero-point patch: those outside the rows whose three kernel rows lie inside the input times the
 * columns whose four (3 + the zero-weighted one) do. The cost model prices them apart.
 */
export function pixel3x3PatchedPixels(p: ConvPlan): number {
  let rows = 0;
  let cols = 0;
  for (let oy = 0; oy < p.oh; oy++) if (oy * p.sh - p.padTop >= 0 && oy * p.sh - p.padTop + 2 < p.h) rows++;
  for (let ox = 0; ox < p.ow; ox++) if (ox * p.sw - p.padLeft >= 0 && ox * p.sw - p.padLeft + 3 < p.w) cols++;
  return p.oh * p.ow - rows * cols;
}

/** The records of qconv_i8_dsp_px3.h for `w` ([O, 3, 3, 1] int8) and `bias`, or why not (channelRequant). */
export function pixel3x3Records(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const words: number[] = [];
  for (let o = 0; o < p.o; o++) {
    const ws = Array.from({ length: 9 }, (_, i) => Number(w[o * 9 + i]!));
    const tail = channelRequant(p, o, ws, bias === undefined ? 0 : Number(bias[o]!));
    if (typeof tail === "string") return tail;
    // Pairs (qconv_i8_dsp_px3.h): rows 0 and 1 (columns 0, 2), their column 1 together, row 2 (0, 2) and (1, 3 weighing 0).
    const v = (ky: number, kx: number) => 2 * ws[3 * ky + kx]!;
    words.push(pair(v(0, 0), v(0, 2)), pair(v(1, 0), v(1, 2)), tail[0]!, pair(v(0, 1), v(1, 1)), pair(v(2, 0), v(2, 2)), pair(v(2, 1), 0), ...tail.slice(1));
  }
  return words;
}
