/**
 * The compile-time side of eg_qdsp_requant_2a (runtime-c/kernels/qdsp_i8.h), the exact SMMLAR
 * requantization of a doubled accumulator, shared by every kernel that runs it (the rows
 * depthwise and the pixel-major convs).
 */

/**
 * One channel's operands [2 * folded bias, m, k, r], or the reason the kernel would not be
 * bit-exact: |folded| + 128 * sum |w| < 2^30 (so 2a fits int32 and SMMLAR(2a, m) is SRDHM(a, m)),
 * multiplier >= 0, a right shift r in [1, 31], and |k| + 2^30 + 1 < 2^31 (SMMLAR's sum), where
 * k = 2^(r-1) + yOffset * 2^r folds the rounding and the output offset. `who` names the channel
 * in the reason ("channel 3", "output channel 3").
 */
export function requant2aWords(who: string, folded: number, absWeights: number, multiplier: number, shift: number, yOffset: number): number[] | string {
  if (Math.abs(folded) + 128 * absWeights >= 2 ** 30) return `${who}'s accumulator can reach 2^30`;
  const r = -shift;
  if (multiplier < 0 || r < 1 || r > 31) return `${who}'s requantization (multiplier ${multiplier}, shift ${shift}) needs a right shift of 1 to 31`;
  const k = 2 ** (r - 1) + yOffset * 2 ** r;
  if (Math.abs(k) + 2 ** 30 + 1 >= 2 ** 31) return `${who}'s right shift ${r} is too large`;
  return [2 * folded, multiplier, k, r];
}
