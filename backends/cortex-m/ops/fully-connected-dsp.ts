import type { OpDef } from "../../../src/ir/op.js";
import { planFc, QFullyConnected } from "../../../src/ir/ops/quant/fully-connected.js";
import { dspTwinOp } from "./dsp-twin.js";

/**
 * QFullyConnectedDsp: QFullyConnected (same attributes, infer, evaluate, MACs and bit-exact C) for
 * int8 on Armv7E-M, emitted as the scratch-free SXTAB16/SMLAD kernel of runtime-c/kernels/qfc_i8_dsp.c
 * with its requantization table in flash. Selected by rules/targets/cortex-m.rules; int16 (16x8)
 * layers keep the generic op. The plugin lists it (backends/cortex-m/index.ts).
 */
export const FULLY_CONNECTED_DSP_OPS: readonly OpDef[] = [
  dspTwinOp({
    name: "QFullyConnectedDsp",
    generic: QFullyConnected,
    plan: planFc,
    unit: "qfc_i8_dsp",
    kernelFn: "eg_qfc_i8_dsp",
    // eg_qfc_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    params: (p) => [p.rows, p.k, p.o, p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind, p.perChannel ? 1 : 0],
  }),
];
