import { isFloat, type DType } from "../../dtype.js";

/**
 * Where an elementwise kernel computes: in doubles when any input is a float ("real"), or
 * exactly on integers as BigInt ("integer", so int64 and wrap-around stay exact in the
 * interpreter). The C code mirrors this: float math in the inputs' precision, integer math in an
 * unsigned type where wrap-around is intended.
 */
export type Domain = "real" | "integer";

export function domainOf(dtypes: readonly DType[]): Domain {
  return dtypes.some((d) => isFloat(d)) ? "real" : "integer";
}

/** What a scalar C expression builder can ask of the emitter. Inputs are the loop's locals v0, v1... */
export interface CScalarCtx {
  readonly inputs: readonly DType[];
  readonly output: DType;
  /** C type of input k's local: float16 is decoded to float, bool is uint8_t. */
  computeType(k: number): string;
  /** True when input k computes in double (float64); float16 and float32 compute in float. */
  isDouble(k: number): boolean;
  /** The math.h function for input k's precision: math("exp") is "expf" or "exp". */
  math(name: string, k?: number): string;
  /** A literal of input k's compute type (float literals get the `f` suffix for float). */
  lit(value: number, k?: number): string;
  /**
   * Unsigned type that holds input k's values modulo 2^bits, for wrap-around arithmetic without
   * signed-overflow UB: uint64_t for 64-bit types, uint32_t for the others.
   */
  wrapType(k: number): string;
  /** Defines a file-scope helper (and what it needs) once and returns its C name. */
  helper(name: string): string;
}

/**
 * One scalar computation, in the three forms the compiler needs. `real`/`integer` receive one
 * value per input (the array is reused between elements: do not keep it); their result is stored
 * into the output type by the shared store rules (floats round, integers wrap, real->integer
 * saturates and truncates toward zero, NaN -> 0, bool is != 0). The C expression gets the input
 * locals' names and must follow the same rules up to its precision.
 */
export interface ScalarKernel {
  /** Names the C function; must encode every parameter baked into the expression. */
  readonly id: string;
  readonly real: (xs: readonly number[]) => number;
  /** Exact integer semantics; absent when the op only accepts floats. */
  readonly integer?: (xs: readonly bigint[]) => bigint;
  readonly c: (cx: CScalarCtx, v: readonly string[]) => string;
}

/** A short stable hash of baked-in parameters, so `id`s stay valid C identifiers. */
export function paramId(base: string, params: readonly number[]): string {
  let h = 0x811c9dc5;
  const text = params.map((p) => (Object.is(p, -0) ? "-0" : String(p))).join(",");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${base}_p${h.toString(16).padStart(8, "0")}`;
}
