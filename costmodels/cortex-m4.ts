import type { Coefficients } from "./coefficients.js";
import { tableCostModel } from "./table-model.js";
import type { CostModel } from "./types.js";

/**
 * Cortex-M4F running Egret's generic C kernels (arm-none-eabi-gcc -O2, hard-float, code in flash
 * behind a zero-wait-state accelerator). Instruction timings from the Cortex-M4 Technical
 * Reference Manual: VADD/VMUL/VCMP 1 cycle, VMLA/VFMA 3, VLDR 2 (1 + N when back to back),
 * VSTR 2, VDIV/VSQRT 14. A float MAC is ~1 cycle only in hand-unrolled assembly; through C loads
 * and index math it is 4-6. libm's expf/tanhf/logf with the FPU take 60-150 cycles.
 */
export const CORTEX_M4_COEFFICIENTS: Coefficients = {
  cyclesPerMac: {
    conv: 6, // 2 VLDR + VMLA + padding tests and index math of the generic direct convolution
    matmul: 4, // 2 VLDR + VMLA, contiguous inner loop
    pool: 4, // VLDR + VCMP/VADD + window bounds tests per tap
    norm: 5, // per element: load, scale/shift (or mean/var passes), store
    reduce: 4, // VLDR + VADD and the strided index of the reduced axis
    softmax: 100, // per element: max pass, expf (~80), sum pass, divide-free scale pass
    rnn: 6, // gate matmuls plus their pointwise sigmoid/tanh amortised over the MACs
    resize: 10, // per tap: coordinate transform, 2 loads, weight multiply-add
  },
  cyclesPerMacOutput: 3, // bias load + VADD + VSTR
  cyclesPerElement: { cheap: 1, divide: 14, transcendental: 80 },
  // A float costs VLDR 2 + VSTR 2 cycles over 8 bytes plus ~2 cycles of loop control: ~0.75/byte.
  cyclesPerElementwiseByte: 0.75,
  // Transposes, gathers and strided copies compute an index per element: ~1 cycle/byte.
  cyclesPerDataByte: 1,
  cyclesPerCall: 50, // BL, push/pop of callee-saved registers, parameter-array loads, loop setup
  callSiteBytes: 8,
  callSiteBytesPerArg: 6, // a MOVW/MOVT or ADD per pointer argument (Thumb-2)
  cyclesPerFusedElement: 4, // VLDR 2 + VSTR 1 (pipelined) + loop control, cheaper than 8 bytes at 0.75
  fusedActivationBytes: 32, // the inline loop
};

/**
 * Weights: cycles dominate. SRAM traffic costs energy beyond its cycles (a quarter cycle per
 * byte), and flash is scarce, so code bytes weigh a tenth of a cycle. Kernel calls weigh 0: their
 * overhead is already in `cycles`.
 */
export const cortexM4: CostModel = tableCostModel("cortex-m4", CORTEX_M4_COEFFICIENTS, {
  cycles: 1,
  bytesMoved: 0.25,
  kernelCalls: 0,
  codeBytes: 0.1,
});
