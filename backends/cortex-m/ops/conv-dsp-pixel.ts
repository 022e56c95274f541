import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { contentNamedArray } from "./content-array.js";

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

const pair = (lo: number, hi: number): number => ((lo & 0xffff) | (hi << 16)) | 0;

/**
 * The records of qconv_i8_dsp_px.h for `w` ([O, 1, 1, C] int8) and `bias` (int32 or absent), or
 * the reason the kernel would not be bit-exact: |B| + 128 * sum |W| must stay below 2^30 (2a then
 * fits int32 and SMMLAR(2a, m) is SRDHM(a, m)), the multiplier >= 0, the right shift r in [1, 31],
 * and |K| + 2^30 + 1 < 2^31 (SMMLAR's sum).
 */
export function pixelRecords(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, p: ConvPlan): number[] | string {
  const words: number[] = [];
  const c = p.c;
  for (let o = 0; o < p.o; o++) {
    const row = (i: number): number => 2 * Number(w[o * c + i]!);
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < c; i++) {
      sum += Number(w[o * c + i]!);
      abs += Math.abs(Number(w[o * c + i]!));
    }
    const folded = (bias === undefined ? 0 : Number(bias[o]!)) + p.xOffset * sum;
    if (Math.abs(folded) + 128 * abs >= 2 ** 30) return `output channel ${o}'s accumulator can reach 2^30`;
    const ch = p.multipliers.length > 1 ? o : 0;
    const m = p.multipliers[ch]!;
    const r = -p.shifts[ch]!;
    if (m < 0 || r < 1 || r > 31) return `output channel ${o}'s requantization (multiplier ${m}, shift ${-r}) needs a right shift of 1 to 31`;
    const k = 2 ** (r - 1) + p.yOffset * 2 ** r;
    if (Math.abs(k) + 2 ** 30 + 1 >= 2 ** 31) return `output channel ${o}'s right shift ${r} is too large`;
    // Pair j = 2g + i holds inputs 4g + i and 4g + i + 2: SXTB16 (i = 0) and SXTB16 ROR 8 (i = 1) of word g.
    const pairs: number[] = [];
    for (let j = 0; j < c / 2; j++) {
      const base = 4 * (j >> 1) + (j & 1);
      pairs.push(pair(row(base), row(base + 2)));
    }
    words.push(pairs[0]!, pairs[1]!, 2 * folded, ...pairs.slice(2), m, k, r + (o === p.o - 1 ? 256 : 0));
  }
  return words;
}

/**
 * Emits eg_qconv2d_1x1_i8_px for a layer that fits, with constant weights (and bias) whose records
 * pass pixelRecords' bounds, and returns true; returns false (nothing emitted) otherwise.
 * `params` is the p array's C name.
 */
export function emitPixelConv(ctx: EmitCtx, inputs: readonly string[], output: string, p: ConvPlan, params: string): boolean {
  if (!pixelKernelFits(p)) return false;
  const [x, w, b] = inputs;
  const wt = ctx.constant?.(w!);
  const hasBias = b !== undefined && b !== "";
  const bt = hasBias ? ctx.constant?.(b) : undefined;
  if (wt === undefined || (hasBias && bt === undefined)) return false;
  const words = pixelRecords(wt.data as ArrayLike<number>, bt?.data as ArrayLike<number> | undefined, p);
  if (typeof words === "string") return false;
  // The records replace both arrays in flash: the weights' bytes are the records', the bias has none.
  ctx.constant?.(w!, 4 * words.length);
  if (hasBias) ctx.constant?.(b, 0);
  // Named `w_*`: the size report counts it among the weights.
  const records = contentNamedArray(ctx, "w_px", "int32_t", words.map(String), 12);
  ctx.useRuntime("qconv_i8_dsp_px");
  ctx.line(`eg_qconv2d_1x1_i8_px(${ctx.ptr(x!)}, ${records}, ${ctx.ptr(output)}, ${params});`);
  return true;
}
