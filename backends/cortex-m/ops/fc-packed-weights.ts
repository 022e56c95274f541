import type { EmitCtx } from "../../../src/ir/emit-ctx.js";

/**
 * Compile-time operands of the packed FC kernel (runtime-c/kernels/qfc_i8_dsp.c):
 *
 * Weights, [O, K] int8 row-major, re-laid out so that each group of 4 output channels reads one
 * contiguous, word-aligned block of 4 * K bytes: for every 4 k (k = 4g .. 4g + 3) the four
 * channels' words one after the other (16 bytes, two LDRDs), then the K % 4 tail bytes of the
 * four channels, channel after channel. The last O % 4 channels keep their plain rows. The block of
 * channels o .. o + 3 starts at byte o * K, as the plain rows would; the array is the same size.
 *
 * Bias, with the input-offset term folded: b'[o] = b[o] + x_offset * sum_k w[o][k] (int32 wrap),
 * so the kernel sums w * x only. Equal to the generic kernel's sum_k w * (x + x_offset) + b
 * modulo 2^32, and both accumulate in wrapping int32: the outputs are bit-identical.
 */

/** The packed layout of `w` ([O, K] int8 row-major). */
export function packFcWeights(w: ArrayLike<number>, o: number, k: number): Int8Array {
  const out = new Int8Array(o * k);
  const full = k & ~3;
  const tail = k - full;
  for (let base = 0; base + 3 < o; base += 4) {
    const block = base * k;
    for (let g = 0; g < full; g += 4) {
      for (let c = 0; c < 4; c++) {
        for (let j = 0; j < 4; j++) out[block + 4 * g + 4 * c + j] = w[(base + c) * k + g + j]!;
      }
    }
    for (let c = 0; c < 4; c++) {
      for (let j = 0; j < tail; j++) out[block + 4 * full + c * tail + j] = w[(base + c) * k + full + j]!;
    }
  }
  for (let r = o & ~3; r < o; r++) for (let j = 0; j < k; j++) out[r * k + j] = w[r * k + j]!;
  return out;
}

/** b'[o] = b[o] (0 without bias) + xOffset * sum_k w[o][k], wrapped to int32. */
export function foldFcBias(w: ArrayLike<number>, bias: ArrayLike<number> | undefined, o: number, k: number, xOffset: number): number[] {
  const folded: number[] = [];
  for (let r = 0; r < o; r++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += w[r * k + j]!;
    // |sum| <= 128 * K and |xOffset| <= 255: exact in a double before the wrap.
    folded.push(((bias === undefined ? 0 : bias[r]!) + Math.imul(xOffset, sum)) | 0);
  }
  return folded;
}

/** The packed arrays already declared in one emission (its EmitCtx), by weight tensor name. */
const packedNames = new WeakMap<EmitCtx, Map<string, string>>();

/**
 * Declares the packed weights in model.c as a word-aligned int8 array (a union with an int32_t,
 * portable C99: the kernel's LDRDs need 4-byte alignment; padded to a whole word, as EmittedModel's
 * weightBytes counts it); returns a `const int8_t *` expression. Named `w_*`: the size report counts
 * it among the weights.
 */
export function emitPackedWeights(ctx: EmitCtx, tensor: string, packed: Int8Array): string {
  // FCs that share a weight tensor share its packed array (once in flash, as weightBytes counts it).
  const emitted = packedNames.get(ctx) ?? new Map<string, string>();
  packedNames.set(ctx, emitted);
  const known = emitted.get(tensor);
  if (known !== undefined) return `${known}.b`;
  const name = ctx.uniqueName(`w_${tensor}_packed`);
  emitted.set(tensor, name);
  const bytes = Array.from(packed);
  while (bytes.length % 4 !== 0) bytes.push(0);
  const rows: string[] = [];
  for (let i = 0; i < bytes.length; i += 32) rows.push(bytes.slice(i, i + 32).join(", "));
  ctx.define(name, `static const union { int32_t align; int8_t b[${bytes.length}]; } ${name} = { .b = {\n  ${rows.join(",\n  ")}\n} };`);
  return `${name}.b`;
}

/** Declares the folded bias as a `static const int32_t w_*` array (a weight, as the plain bias was); returns its name. */
export function emitFoldedBias(ctx: EmitCtx, tensor: string, folded: readonly number[]): string {
  const name = ctx.uniqueName(`w_${tensor}_folded`);
  ctx.define(name, `static const int32_t ${name}[${folded.length}] = { ${folded.join(", ")} };`);
  return name;
}
