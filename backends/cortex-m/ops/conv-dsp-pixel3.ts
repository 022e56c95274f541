import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { channelRequant, emitRecordKernel, pair } from "./conv-dsp-pixel.js";

/**
 * The pixel-major 3x3 kernel of one-channel first layers (runtime-c/kernels/qconv_i8_dsp_px3.c):
 * per output pixel the three kernel rows in 6 int16-pair registers, per output channel one
 * compile-time record (conv-dsp-pixel.ts' requantization words) streamed by two LDMs: 14.5
 * instructions per 9 MACs (15.5 with the sign term), where the row-gathering im2col GEMM spends ~0.81 * 12 + 18 per output
 * plus ~270 per pixel. Taken by QConv2DDsp for C = 1, 3x3, dilation 1, even O, full int8 clamp.
 */
export function pixel3x3Fits(p: ConvPlan): boolean {
  return p.dtype === "int8" && p.c === 1 && p.cg === 1 && p.kh === 3 && p.kw === 3 && p.dh === 1 && p.dw === 1 &&
    p.o % 2 === 0 && p.actMin === -128 && p.actMax === 127 && p.biasKind !== 2;
}

/** The records of qconv_i8_dsp_px3.h for `w` ([O, 3, 3, 1] int8) and `bias`, or why not (channelRequant). */
export function pixel3x3Records(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const words: number[] = [];
  for (let o = 0; o < p.o; o++) {
    const ws = Array.from({ length: 9 }, (_, i) => Number(w[o * 9 + i]!));
    const tail = channelRequant(p, o, ws, bias === undefined ? 0 : Number(bias[o]!));
    if (typeof tail === "string") return tail;
    // Kernel row ky read as one word: SXTB16 gives columns (0, 2), SXTB16 ROR 8 columns (1, 3); column 3 weighs 0.
    const rows = [0, 1, 2].flatMap((ky) => [pair(2 * ws[3 * ky]!, 2 * ws[3 * ky + 2]!), pair(2 * ws[3 * ky + 1]!, 0)]);
    words.push(rows[0]!, rows[1]!, tail[0]!, ...rows.slice(2), ...tail.slice(1));
  }
  return words;
}

/** Emits eg_qconv2d_3x3c1_i8_px when the layer fits and its records are exact; false otherwise. */
export function emitPixel3x3Conv(ctx: EmitCtx, inputs: readonly string[], output: string, p: ConvPlan, params: string): boolean {
  return pixel3x3Fits(p) && emitRecordKernel(ctx, inputs, output, p, params, "qconv_i8_dsp_px3", "eg_qconv2d_3x3c1_i8_px", pixel3x3Records);
}
