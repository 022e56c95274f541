import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { contentNamedArray } from "./content-array.js";
import { requant2aWords } from "./requant-2a.js";

/**
 * The pixel-major 1x1 kernel for few input channels (runtime-c/kernels/qconv_i8_dsp_px.c): per
 * output pixel the C = 8 or 16 inputs sit in C / 2 registers, and each output channel is one
 * compile-time record (weights doubled to int16 pairs, the input offset folded into the doubled
 * bias, multiplier, rounding-and-zero-point constant, shift) streamed by LDM: 11 instructions per
 * 8 MACs (C = 8), 19 per 16 (C = 16), where the 2x2 block GEMM spends ~0.81 * C + 18 per output.
 * No scratch and no per-call setup.
 *
 * Taken by QConv2D1x1Dsp when the asm channel loop applies (see pixelKernelFits): an int8 output
 * clamp that SSAT alone gives, an even number of output channels. Otherwise the layer keeps the
 * widened-weight GEMM (conv-dsp-wide.ts).
 */

/** Input channel counts the kernel's asm loops hold in registers. */
export const PIXEL_CHANNELS: readonly number[] = [8, 16];

/** Whether the layer's shape and activation range take the asm loops (weights and scales aside). */
export function pixelKernelFits(p: ConvPlan): boolean {
  return p.dtype === "int8" && p.kh === 1 && p.kw === 1 && PIXEL_CHANNELS.includes(p.c) && p.cg === p.c &&
    p.o % 2 === 0 && p.actMin === -128 && p.actMax === 127 && p.biasKind !== 2;
}

/** Two int16 as one int32 word, `lo` in bits 0-15. */
export const pair = (lo: number, hi: number): number => ((lo & 0xffff) | (hi << 16)) | 0;

/**
 * Output channel o's [2 * B, m, K, rf] (qconv_i8_dsp_px.h) for weights `ws` (int8) and its bias
 * (requant2aWords, with bit 8 of rf marking the last channel), or why it would not be bit-exact.
 */
export function channelRequant(p: ConvPlan, o: number, ws: readonly number[], bias: number): number[] | string {
  const ch = p.multipliers.length > 1 ? o : 0;
  const folded = bias + p.xOffset * ws.reduce((a, v) => a + v, 0);
  const words = requant2aWords(`output channel ${o}`, folded, ws.reduce((a, v) => a + Math.abs(v), 0), p.multipliers[ch]!, p.shifts[ch]!, p.yOffset);
  if (typeof words === "string") return words;
  return [words[0]!, words[1]!, words[2]!, words[3]! + (o === p.o - 1 ? 256 : 0)];
}

/** The records of qconv_i8_dsp_px.h for `w` ([O, 1, 1, C] int8) and `bias` (int32 or absent), or why not (channelRequant). */
export function pixelRecords(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const words: number[] = [];
  const c = p.c;
  for (let o = 0; o < p.o; o++) {
    const ws = Array.from({ length: c }, (_, i) => Number(w[o * c + i]!));
    const tail = channelRequant(p, o, ws, bias === undefined ? 0 : Number(bias[o]!));
    if (typeof tail === "string") return tail;
    // Pair j = 2g + i holds inputs 4g + i and 4g + i + 2: SXTB16 (i = 0) and SXTB16 ROR 8 (i = 1) of word g.
    const pairs: number[] = [];
    for (let j = 0; j < c / 2; j++) {
      const base = 4 * (j >> 1) + (j & 1);
      pairs.push(pair(2 * ws[base]!, 2 * ws[base + 2]!));
    }
    words.push(pairs[0]!, pairs[1]!, tail[0]!, ...pairs.slice(2), ...tail.slice(1));
  }
  return words;
}

/** Builds a record kernel's words from the constant weights and bias, or says why it cannot. */
export type RecordBuilder = (w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan) => number[] | string;

/**
 * Emits `${fn}(x, records, y, params)` of runtime unit `unit` when the weights (and bias) are
 * constants that `build` accepts, and returns true; returns false (nothing emitted) otherwise.
 * The records replace both arrays in flash (the weights' bytes become the records', the bias none).
 */
export function emitRecordKernel(ctx: EmitCtx, inputs: readonly string[], output: string, p: ConvPlan, params: string, unit: string, fn: string, build: RecordBuilder): boolean {
  const [x, w, b] = inputs;
  const wt = ctx.constant?.(w!);
  const hasBias = b !== undefined && b !== "";
  const bt = hasBias ? ctx.constant?.(b) : undefined;
  if (wt === undefined || (hasBias && bt === undefined)) return false;
  const words = build(wt.data as ArrayLike<number>, bt?.data as ArrayLike<number> | undefined, p);
  if (typeof words === "string") return false;
  ctx.constant?.(w!, 4 * words.length);
  if (hasBias) ctx.constant?.(b, 0);
  // Named `w_*`: the size report counts it among the weights.
  const records = contentNamedArray(ctx, "w_px", "int32_t", words.map(String), 12);
  ctx.useRuntime(unit);
  ctx.line(`${fn}(${ctx.ptr(x!)}, ${records}, ${ctx.ptr(output)}, ${params});`);
  return true;
}
