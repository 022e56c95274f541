import { fail } from "./errors.js";
import { DTYPES, type DType } from "./ir/dtype.js";
import { shapeToString, type Shape } from "./ir/shape.js";

/**
 * The compile-time budget: how much Egret may materialise in memory while it imports, folds,
 * optimises, runs or calibrates a model, and which sizes the generated C can index. Every limit
 * is checked BEFORE the allocation it guards; a breach is an EgretError (code "limit") naming the
 * tensor, file, option or rule and the limit. The values are fixed (no environment variables: the
 * same input gives the same result on every machine) and sit orders of magnitude above what a
 * microcontroller holds, so a real model never meets them; docs/limits.md lists them.
 */
export const LIMITS = {
  /**
   * Bytes of any one tensor of a model: graph inputs, outputs, intermediates and constants. The
   * interpreter, calibration and constant folding hold such tensors in memory.
   */
  tensorBytes: 256 * 2 ** 20,
  /**
   * Bytes of one constant computed by folding at compile time. An all-constant op whose result is
   * bigger stays in the program and runs on the device (ConstantOfShape, Expand, Tile...), unless
   * its result must be known at compile time (a shape or axes input), which is then an error.
   */
  foldBytes: 16 * 2 ** 20,
  /** Bytes of all constants created by folding in one import, and again in one optimisation. */
  foldTotalBytes: 512 * 2 ** 20,
  /** Bytes of the values the reference interpreter holds at once while it runs a model (`egret run`, calibration). */
  evaluationBytes: 1024 * 2 ** 20,
  /** Bytes of one file Egret reads: models, .npy inputs, calibration data, rule files. */
  fileBytes: 1024 * 2 ** 20,
  /** Pixels of one decoded calibration/evaluation image, and of `--resize HxW`. */
  imagePixels: 4096 * 4096,
  /** Nesting depth of the lists in a rule file. */
  ruleNesting: 256,
  /** Elements of one `:check` shape in a rule file (the checker instantiates it on every run). */
  checkElements: 2 ** 20,
  /**
   * The generated C counts the elements of a tensor, and its bytes, in `int32_t` (kernel sizes,
   * loop counters, shape and stride parameters): no dimension, element count or byte size of a
   * tensor may exceed this.
   */
  cIndexMax: 2 ** 31 - 1,
} as const;

/** "16 MiB (16777216 bytes)": readable and exact. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit} (${bytes} bytes)`;
  }
  return `${bytes} bytes`;
}

/** Bytes of a dtype[shape] tensor; exact while the result is a safe integer. */
export function tensorByteSize(dtype: DType, shape: Shape): number {
  let n = DTYPES[dtype].bytes;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Validates a value's type for the IR and the generated C: every dimension a safe integer >= 0,
 * the element count and the byte size within `int32_t` and the byte size within the one-tensor
 * budget. `subject` names the tensor (e.g. `input "x"`).
 */
export function checkTensorSize(subject: string, dtype: DType, shape: Shape): void {
  const bad = shape.findIndex((d) => !Number.isSafeInteger(d) || d < 0);
  if (bad >= 0) fail("bad-shape", subject, `dimension ${bad} is ${shape[bad]}; dimensions must be whole numbers from 0 to ${LIMITS.cIndexMax}`);
  const type = `${dtype}[${shapeToString(shape)}]`;
  const big = shape.findIndex((d) => d > LIMITS.cIndexMax);
  if (big >= 0) fail("limit", subject, `${type}: dimension ${big} is ${shape[big]}, more than the generated C's int32_t sizes hold (${LIMITS.cIndexMax})`);
  const elements = shape.reduce((a, d) => a * d, 1);
  if (elements > LIMITS.cIndexMax) {
    fail("limit", subject, `${type} has ${elements} elements, more than the generated C's int32_t element counts hold (${LIMITS.cIndexMax}); give smaller shapes (--input-shape) or split the model`);
  }
  const bytes = elements * DTYPES[dtype].bytes;
  if (bytes > LIMITS.tensorBytes) {
    fail("limit", subject, `${type} is ${formatBytes(bytes)}, more than the ${formatBytes(LIMITS.tensorBytes)} one tensor may have (docs/limits.md); no microcontroller holds it: give smaller shapes (--input-shape) or split the model`);
  }
}

/**
 * Counts the bytes of folded constants against `LIMITS.foldTotalBytes`. One ledger serves one
 * import or one optimisation; `admit` answers whether a constant of `bytes` may still be folded
 * (and books it when it may). Deterministic: it counts bytes, in the order folds happen.
 */
export class FoldLedger {
  private used = 0;

  admit(bytes: number): boolean {
    if (bytes > LIMITS.foldBytes || this.used + bytes > LIMITS.foldTotalBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Why a constant of `bytes` was not folded, for messages. */
  reason(bytes: number): string {
    return bytes > LIMITS.foldBytes
      ? `its ${formatBytes(bytes)} exceed the ${formatBytes(LIMITS.foldBytes)} one folded constant may have`
      : `the constants folded so far (${formatBytes(this.used)}) leave no room for ${formatBytes(bytes)} more within ${formatBytes(LIMITS.foldTotalBytes)}`;
  }
}
