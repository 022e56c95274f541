import type { ValueInfo } from "./graph.js";
import type { Tensor } from "./tensor.js";

/**
 * What an op's `emitC` may do. Tensors are referred to by name; the context knows where each
 * lives (a graph input or output buffer, the arena, or a `static const` weight array).
 *
 * The generated run function body is straight-line code; `line` appends one statement to it.
 */
export interface EmitCtx {
  /**
   * C expression for a pointer to the tensor's first element, typed `const T *` or `T *`;
   * `NULL` for "" (an absent optional input or an unused output: kernels must accept NULL there).
   */
  ptr(name: string): string;
  info(name: string): ValueInfo;
  /**
   * For a constant of a sub-byte type (int4, uint4, int2, uint2): a `const uint8_t *` to its
   * elements packed as src/ir/subbyte.ts lays them out (what flash then holds); undefined when
   * the tensor is not a constant (run-time sub-byte tensors take one byte per element).
   */
  packedPtr(name: string): string | undefined;
  /**
   * The value of a constant tensor (weights stored in flash), for kernels that re-lay it out at
   * compile time (then they emit their own array and never ask `ptr` for it, so the original is
   * not emitted); undefined for a tensor computed at run time. Optional: wrappers may omit it.
   * `relaidBytes`: the size of the kernel's own array when it differs from the tensor's (e.g.
   * weights widened to int16), so that the compile summary's weight bytes match the flash.
   */
  constant?(name: string, relaidBytes?: number): Tensor | undefined;
  /**
   * Uses a runtime-c kernel unit, e.g. "conv_f32" for runtime-c/kernels/conv_f32.{c,h}. The
   * compiled output copies exactly the units used and includes their headers.
   */
  useRuntime(unit: string): void;
  /** Adds file-scope C (a type-specialised helper) once per key; returns nothing, key is the guard. */
  define(key: string, code: string): void;
  /** A `static const` array of parameters; returns its C name. Equal arrays are shared. */
  constArray(ctype: "int32_t" | "float" | "double" | "int64_t", values: readonly number[]): string;
  /** Appends one statement (or a brace block) to the run function. */
  line(code: string): void;
  /**
   * Appends a call returning an int status: nonzero ends the run and is returned to its caller.
   * Only for targets whose run function returns a status (EmitOptions.fallibleRun).
   */
  checked(call: string): void;
  /** Pointer (`void *`) to this node's scratch memory, sized by `OpDef.scratchBytes`. */
  scratch(): string;
  /**
   * Declares persistent state (a file-scope static kept across runs, `bytes` long): counted in the
   * header's STATE_BYTES, and `resetCode` (a statement) is added to `<prefix>_reset`.
   */
  persistent(bytes: number, resetCode: string): void;
  /** A C identifier unique in the generated file, derived from `hint`. */
  uniqueName(hint: string): string;
  /**
   * For an op with `OpDef.profileRows`: the statements `emit` appends are counted in the per-op
   * profile's row `row` of this node (a profiled build brackets them; otherwise only `emit` runs).
   * Absent in contexts that never profile.
   */
  profileRow?(row: number, emit: () => void): void;
}
