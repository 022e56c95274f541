import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { channelRequant, pair } from "./conv-dsp-pixel.js";

/** Output channels the kernel's stack sums hold (EG_PX3C3_MAX_O of qconv_i8_dsp_px3c3.h). */
export const PIXEL3C3_MAX_O = 32;

/**
 * The pixel-major 3x3 kernel of three-channel first layers (runtime-c/kernels/qconv_i8_dsp_px3c3.c):
 * per output pixel three passes, one per kernel row (5 int16-pair registers, 5 SMLADs per output
 * channel into a stack sum), the last one requantizing; each channel's compile-time records are
 * conv-dsp-pixel.ts' requantization words around the doubled weight pairs. Taken by QConv2DDsp for
 * C = 3, 3x3, dilation 1, O <= 32 (any clamp: the exact form where the fused one does not hold).
 */
export function pixel3x3c3Fits(p: ConvPlan): boolean {
  return p.dtype === "int8" && p.c === 3 && p.cg === 3 && p.kh === 3 && p.kw === 3 && p.dh === 1 && p.dw === 1 &&
    p.o <= PIXEL3C3_MAX_O && p.biasKind !== 2;
}

/** The records of qconv_i8_dsp_px3c3.h for `w` ([O, 3, 3, 3] int8) and `bias`, or why not (channelRequant). */
export function pixel3x3c3Records(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const passes: number[][] = [[], [], []];
  for (let o = 0; o < p.o; o++) {
    const ws = Array.from({ length: 27 }, (_, i) => Number(w[o * 27 + i]!));
    const tail = channelRequant(p, o, ws, bias === undefined ? 0 : Number(bias[o]!));
    if (typeof tail === "string") return tail;
    for (let ky = 0; ky < 3; ky++) {
      // Row byte b = 3 kx + channel; bytes 9..11 (the column after the window) weigh 0.
      const at = (b: number): number => (b < 9 ? 2 * ws[9 * ky + b]! : 0);
      const pairs = [pair(at(0), at(2)), pair(at(1), at(3)), pair(at(4), at(6)), pair(at(5), at(7)), pair(at(8), 0)];
      // tail = [2B, m, K, rf]: the kernel's shift word is r alone (no last-channel flag).
      // Pass 0: [v(0..2), 2B, v(3..4)] (the sum's start in the first LDM); pass 2 ends with m, K, r.
      if (ky === 0) passes[0]!.push(...pairs.slice(0, 3), tail[0]!, ...pairs.slice(3));
      else passes[ky]!.push(...pairs, ...(ky === 2 ? [tail[1]!, tail[2]!, tail[3]! & 0xff] : []));
    }
  }
  return passes.flat();
}
