import type { Coefficients } from "./coefficients.js";
import { withFloatKernelPrices, type FloatKernelPrices } from "./float-kernels.js";
import { tableCostModel } from "./table-model.js";
import type { CostModel } from "./types.js";

/**
 * A desktop x86-64/AArch64 core running Egret's generic C kernels at -O2: the compiler
 * auto-vectorises contiguous inner loops (4-8 floats per instruction), caches hide most memory
 * latency, and glibc's expf/tanhf take 10-20 cycles. Everything is an order of magnitude cheaper
 * than on a microcontroller, and calls are relatively dearer next to the arithmetic.
 */
export const HOST_COEFFICIENTS: Coefficients = {
  cyclesPerMac: {
    conv: 0.6, // generic direct convolution: partly vectorised, index math per tap
    matmul: 0.4, // contiguous inner loop, vectorised
    pool: 0.5,
    norm: 0.5,
    reduce: 0.4,
    softmax: 8, // expf per element dominates
    rnn: 0.6,
    resize: 2,
  },
  cyclesPerMacOutput: 0.5,
  cyclesPerElement: { cheap: 0.25, divide: 1.5, transcendental: 15 },
  cyclesPerElementwiseByte: 0.06, // vectorised loads/stores from L1/L2
  cyclesPerDataByte: 0.25, // scalar strided index math
  cyclesPerCall: 20,
  callSiteBytes: 10,
  callSiteBytesPerArg: 5, // a LEA per pointer argument
  cyclesPerFusedElement: 0.1, // the output is still in L1 and the loop vectorises
  fusedActivationBytes: 40, // the inline loop
};

/**
 * The blocked float kernels (costmodels/float-kernels.ts) at -O2 with SSE2: a 4x8 register tile
 * does 32 MACs in about 5 cycles (8 mulps, 8 addps, 4 broadcasts on four FP pipes), measured at
 * 12-19 GMAC/s on the 2.1 GHz reference machine against 1-2.6 GMAC/s for the generic Conv.
 */
export const HOST_FLOAT_KERNELS: FloatKernelPrices = { tilePerMac: 0.1, copyPerElement: 0.1, tilePerOutput: 0.2, depthwisePerMac: 0.2, transformPerElement: 0.15, winogradPerOutput: 0 };

/** Weights: cycles only matter, with a small weight on traffic and code to break ties. */
export const host: CostModel = withFloatKernelPrices(
  tableCostModel("host", HOST_COEFFICIENTS, {
    cycles: 1,
    bytesMoved: 0.02,
    kernelCalls: 0,
    codeBytes: 0.01,
  }),
  HOST_COEFFICIENTS,
  HOST_FLOAT_KERNELS,
);
