import type { Coefficients } from "../../costmodels/coefficients.js";
import { withFloatKernelPrices, type FloatKernelPrices } from "../../costmodels/float-kernels.js";
import { withQuantKernelPrices } from "./quant-cost.js";
import { withScratchPrice } from "./sram-price.js";
import { withLstmPrices } from "./lstm-cost.js";
import { withSvdfPrices } from "./svdf-cost.js";
import { tableCostModel } from "../../costmodels/table-model.js";
import { numel } from "../../src/ir/shape.js";
import type { CostModel, CostVector } from "../../costmodels/types.js";

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
 * Cycles of Egret's int8 kernels that are not MAC-driven, calibrated from instruction counts
 * measured under QEMU (bench/cortex-m.ts, -icount shift=0, arm-none-eabi-gcc -O2) on KWS, IC
 * ResNet-8 and person_detect; the M4 issues about one instruction per cycle for this code.
 * - QAdd/QSub/QMul: per output element two rescales (SMULL-based doubling high multiply and
 *   rounding shift each), the broadcast index walk, clamp and store: ~82 measured.
 * - QAveragePool2D/QMaxPool2D: ~11 per input element read (load, add, window bounds) and ~53 per
 *   output (division-free rescale and store).
 * - QSoftmax: ~350 per element (exp on gemmlowp fixed point, reciprocal, rescale) plus ~600 setup.
 */
export const CORTEX_M4_INT8_ELEMENT_CYCLES = {
  binaryPerOutput: 82,
  poolPerInput: 11,
  poolPerOutput: 53,
  softmaxPerElement: 350,
  softmaxSetup: 600,
} as const;

function withInt8ElementPrices(model: CostModel): CostModel {
  const c = CORTEX_M4_INT8_ELEMENT_CYCLES;
  return {
    name: model.name,
    weights: model.weights,
    nodeCost(node, inputs, outputs, ops): CostVector {
      const base = model.nodeCost(node, inputs, outputs, ops);
      const out = outputs[0];
      const x = inputs[0];
      if (out === undefined || x === undefined) return base;
      const outN = numel(out.shape);
      const call = CORTEX_M4_COEFFICIENTS.cyclesPerCall;
      switch (node.op) {
        case "QAdd":
        case "QSub":
        case "QMul":
          return { ...base, cycles: call + outN * c.binaryPerOutput };
        case "QAveragePool2D":
        case "QMaxPool2D":
          return { ...base, cycles: call + numel(x.shape) * c.poolPerInput + outN * c.poolPerOutput };
        case "QSoftmax":
          return { ...base, cycles: call + c.softmaxSetup + outN * c.softmaxPerElement };
        default:
          return base;
      }
    },
  };
}

/**
 * The blocked float kernels (costmodels/float-kernels.ts) with the FPU: a 4x4 tile of VMLA.F32
 * accumulators in s-registers; per k 4 + 4 VLDR, 16 VMLA and the offset load and loop (~27
 * instructions for 16 MACs), measured under QEMU at 1.5-1.7 instructions per MAC all in (a 3x3
 * 16 -> 16 Conv2DGemm on 32x32: 4.01 M instructions for 2.36 M MACs). Winograd's prices are a
 * least-squares fit of the per-op instruction counts under QEMU (bench:cortex-m-float) of IC
 * ResNet-8's 3x3 layers (C x M = 3 x 16 and 16 x 16 on 32x32, 32 x 32 on 16x16, 64 x 64 on
 * 8x8): 1.6 per MAC, 7.8 per transformed element and 19.7 per Winograd-domain output, within 1%
 * of every layer.
 */
export const CORTEX_M4_FLOAT_KERNELS: FloatKernelPrices = {
  tilePerMac: 1.6,
  copyPerElement: 3,
  tilePerOutput: 4,
  depthwisePerMac: 2,
  transformPerElement: 7.8,
  winogradPerOutput: 19.7,
};

/**
 * The int8 MAC kernels (generic and DSP) are priced by quant-cost.ts, SVDF by svdf-cost.ts, LSTM by lstm-cost.ts, the other int8
 * kernels by the measured prices above, everything else by the table. Weights: cycles dominate. SRAM traffic costs energy beyond its cycles (a quarter cycle per
 * byte), and flash is scarce, so code bytes weigh a tenth of a cycle. Kernel calls weigh 0: their
 * overhead is already in `cycles`. Kernel scratch memory (SRAM) costs 2 cycles per byte
 * (sram-price.ts: the objective that keeps a slightly faster kernel with a large
 * scratch buffer from winning by default).
 */
export const cortexM4: CostModel = withScratchPrice(withFloatKernelPrices(
  withInt8ElementPrices(withLstmPrices(withSvdfPrices(withQuantKernelPrices(
    tableCostModel("cortex-m4", CORTEX_M4_COEFFICIENTS, {
      cycles: 1,
      bytesMoved: 0.25,
      kernelCalls: 0,
      codeBytes: 0.1,
    }),
  )))),
  CORTEX_M4_COEFFICIENTS,
  CORTEX_M4_FLOAT_KERNELS,
));
