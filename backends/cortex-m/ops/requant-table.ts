import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { contentNamedArray } from "./content-array.js";

/**
 * The DSP kernels' requantization table (eg_qdsp_rq_entry of runtime-c/kernels/qdsp_i8.h),
 * computed at compile time so that it lives in flash instead of being rebuilt in scratch on every
 * call: per output channel the multiplier m, the 64-bit constant 2^30 + 2^(30 + r) as low/high
 * words, and r - 1, for r = -shift. The same values eg_qdsp_requant_prepare computes in C.
 */
export interface RequantEntry {
  readonly mult: number;
  /** Low word, unsigned. */
  readonly cLo: number;
  readonly cHi: number;
  readonly rs: number;
}

/**
 * One entry per channel (a per-tensor pair replicated), or undefined when a multiplier is negative
 * or a shift lies outside [-31, -1] (a real scale outside (2^-32, 1/2)): the kernel then takes the
 * mult/shift path, as eg_qdsp_requant_prepare would.
 */
export function requantTable(multipliers: readonly number[], shifts: readonly number[], channels: number): RequantEntry[] | undefined {
  const entries: RequantEntry[] = [];
  for (let o = 0; o < channels; o++) {
    const ch = multipliers.length > 1 ? o : 0;
    const m = multipliers[ch]!;
    const r = -shifts[ch]!;
    if (m < 0 || r < 1 || r > 31) return undefined;
    const c = (1n << 30n) + (1n << BigInt(30 + r));
    entries.push({ mult: m, cLo: Number(c & 0xffffffffn), cHi: Number(c >> 32n), rs: r - 1 });
  }
  return entries;
}

/**
 * Declares the table as a `static const eg_qdsp_rq_entry` array of model.c; returns its name, or
 * "NULL" without a table. Equal tables are one array (a patch chain calls a layer once per band):
 * the name is derived from the content, so the output stays a pure function of the model.
 */
export function emitRequantTable(ctx: EmitCtx, entries: readonly RequantEntry[] | undefined): string {
  if (entries === undefined || entries.length === 0) return "NULL";
  return contentNamedArray(ctx, "eg_rq", "eg_qdsp_rq_entry", entries.map((e) => `{ ${e.mult}, ${e.cLo}u, ${e.cHi}, ${e.rs} }`), 1);
}

/**
 * The requantization operands of a DSP kernel call: the compile-time table, and the multiplier
 * and shift arrays only when there is none (the kernels read them only on the eg_qdsp_mul path,
 * when the table is NULL), so flash holds one form, not both.
 */
export function emitRequantOperands(ctx: EmitCtx, multipliers: readonly number[], shifts: readonly number[], channels: number): { table: string; mult: string; shift: string } {
  const table = emitRequantTable(ctx, requantTable(multipliers, shifts, channels));
  if (table !== "NULL") return { table, mult: "NULL", shift: "NULL" };
  return { table, mult: ctx.constArray("int32_t", multipliers), shift: ctx.constArray("int32_t", shifts) };
}
