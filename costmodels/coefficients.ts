import type { ElementClass, MacFamily } from "./op-kinds.js";

/**
 * The numbers a target's cost model is made of. Cycles are estimates for Egret's generic C
 * kernels (straight C99, no SIMD intrinsics) compiled with -O2; they rank candidate programs,
 * they do not predict wall time to better than a factor of two.
 */
export interface Coefficients {
  /** Cycles per multiply-accumulate of each MAC-driven kernel family (loads and index math included). */
  readonly cyclesPerMac: Readonly<Record<MacFamily, number>>;
  /** Cycles per output element of a MAC kernel for the epilogue (bias add, store). */
  readonly cyclesPerMacOutput: number;
  /** Arithmetic cycles per element of an elementwise op, by class (memory traffic excluded). */
  readonly cyclesPerElement: Readonly<Record<ElementClass, number>>;
  /** Cycles per byte read or written by an elementwise kernel (contiguous loads/stores). */
  readonly cyclesPerElementwiseByte: number;
  /** Cycles per byte read or written by a data-movement kernel (strided index math included). */
  readonly cyclesPerDataByte: number;
  /** Fixed cycles of one kernel call: call, prologue, parameter loads, loop setup. */
  readonly cyclesPerCall: number;
  /** Code bytes at the call site of one kernel call, and per pointer argument. */
  readonly callSiteBytes: number;
  readonly callSiteBytesPerArg: number;
  /**
   * A fused activation (src/ir/ops/fused-activation.ts) is an inline in-place loop over the
   * producer's output right after the kernel call: per element its arithmetic plus this many
   * cycles of load/store/loop control (no call, no second buffer), and this many code bytes.
   */
  readonly cyclesPerFusedElement: number;
  readonly fusedActivationBytes: number;
}
