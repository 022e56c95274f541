import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { emitRequantOperands } from "./requant-table.js";

/**
 * Compile-time widened weights of the DSP convolutions (runtime-c/kernels/qconv_i8_dsp_w16.c):
 * each output channel's K = KH * KW * C int8 weights as int16, in the GEMM's operand order (groups
 * of 4 k stored w0, w2, w1, w3; the K % 4 tail in order), the row padded to an even length with a
 * 0 so that every row is word-aligned for LDRD. The kernel then spends 12 instructions per 16 MACs
 * instead of 16 (no SXTB16, one LDRD per channel and group), for one more flash byte per weight.
 *
 * Worth it when the layer has many output pixels: each weight is loaded once per pair of pixels,
 * so the instructions saved are about weights * pixels / 4 against `weights` bytes of flash.
 * WIDE_MIN_PIXELS keeps layers whose saving is below 8 instructions per flash byte on int8 weights
 * (the late 3x3-pixel layers of a MobileNet hold most of its weights and gain little).
 */
export const WIDE_MIN_PIXELS = 32;

/** Row length (int16 values) of one output channel: K rounded up to even. */
export function wideRowLength(k: number): number {
  return (k + 1) & ~1;
}

/** The widened layout of `w` ([O, K] int8 row-major). */
export function widenConvWeights(w: ArrayLike<number>, o: number, k: number): Int16Array {
  const stride = wideRowLength(k);
  const full = k & ~3;
  const out = new Int16Array(o * stride);
  const order = [0, 2, 1, 3];
  for (let r = 0; r < o; r++) {
    for (let g = 0; g < full; g += 4) for (let j = 0; j < 4; j++) out[r * stride + g + j] = w[r * k + g + order[j]!]!;
    for (let j = full; j < k; j++) out[r * stride + j] = w[r * k + j]!;
  }
  return out;
}

/**
 * Whether a widened im2col convolution takes eg_qconv2d_i8_dsp_rows (runtime-c/kernels/
 * qconv_i8_dsp_rows.c): C % 4 != 0, where gathering whole kernel rows and a GEMM without the
 * K % 4 tail beat the tap-by-tap im2col. Its scratch, 5 * K4 bytes, fits in QConv2DDsp's
 * 16 * O + 5 * K (K4 - K <= 3).
 */
export function usesRowGather(kernelFn: string, p: ConvPlan): boolean {
  return kernelFn === "eg_qconv2d_i8_dsp" && p.c % 4 !== 0;
}

/** The row-gathering kernel's K: KH * KW * C rounded up to a multiple of 4. */
export function rowGatherK(p: ConvPlan): number {
  return (p.kh * p.kw * p.c + 3) & ~3;
}

/** [O, K] int8 weights as [O, K4], each row padded with zeros. */
function padRows(w: ArrayLike<number>, o: number, k: number, k4: number): Int8Array {
  const out = new Int8Array(o * k4);
  for (let r = 0; r < o; r++) for (let j = 0; j < k; j++) out[r * k4 + j] = w[r * k + j]!;
  return out;
}

/** The widened arrays already declared in one emission, by weight tensor name (layers sharing weights share them). */
const wideNames = new WeakMap<EmitCtx, Map<string, string>>();

function emitWideWeights(ctx: EmitCtx, tensor: string, wide: Int16Array): string {
  const emitted = wideNames.get(ctx) ?? new Map<string, string>();
  wideNames.set(ctx, emitted);
  const known = emitted.get(tensor);
  if (known !== undefined) return `${known}.h`;
  // Named `w_*`: the size report counts it among the weights. The union aligns it to a word.
  const name = ctx.uniqueName(`w_${tensor}_wide`);
  emitted.set(tensor, name);
  const values = Array.from(wide);
  const rows: string[] = [];
  for (let i = 0; i < values.length; i += 24) rows.push(values.slice(i, i + 24).join(", "));
  ctx.define(name, `static const union { int32_t align; int16_t h[${values.length}]; } ${name} = { .h = {\n  ${rows.join(",\n  ")}\n} };`);
  return `${name}.h`;
}

/**
 * Emits `${kernelFn}_w16` for a DSP convolution whose weights are a constant and whose output has
 * at least WIDE_MIN_PIXELS pixels, and returns true; returns false (nothing emitted) otherwise, and
 * the caller emits the int8-weight kernel. `params` is the p array's C name.
 */
export function emitWideConv(ctx: EmitCtx, inputs: readonly string[], output: string, p: ConvPlan, kernelFn: string, params: string): boolean {
  const [x, w, b] = inputs;
  if (p.n * p.oh * p.ow < WIDE_MIN_PIXELS) return false;
  const k = p.kh * p.kw * p.c;
  // Channel counts not a multiple of 4 (first layers) take the row-gathering im2col on K rounded up to 4.
  const rows = usesRowGather(kernelFn, p);
  const kRow = rows ? rowGatherK(p) : k;
  const wt = ctx.constant?.(w!, 2 * p.o * wideRowLength(kRow));
  if (wt === undefined) return false;
  const data = wt.data as ArrayLike<number>;
  const weights = rows
    ? emitWideWeights(ctx, `${w!}_k4`, widenConvWeights(padRows(data, p.o, k, kRow), p.o, kRow))
    : emitWideWeights(ctx, w!, widenConvWeights(data, p.o, k));
  ctx.useRuntime("qconv_i8_dsp_blk");
  ctx.useRuntime("qconv_i8_dsp_w16");
  if (rows) ctx.useRuntime("qconv_i8_dsp_rows");
  const { table, mult, shift } = emitRequantOperands(ctx, p.multipliers, p.shifts, p.o);
  const fn = rows ? "eg_qconv2d_i8_dsp_rows" : `${kernelFn}_w16`;
  ctx.line(`${fn}(${ctx.ptr(x!)}, ${weights}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(output)}, ${params}, ${table}, ${mult}, ${shift}, ${ctx.scratch()});`);
  return true;
}
