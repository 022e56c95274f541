import type { OpDef } from "../../../src/ir/op.js";
import { planConv, QDepthwiseConv2D } from "../../../src/ir/ops/quant/conv.js";
import { dspTwinOp } from "./dsp-twin.js";

/**
 * QDepthwiseConv2DDsp: QDepthwiseConv2D (same attributes, infer, evaluate, MACs and bit-exact C)
 * for int8 on Armv7E-M with any kernel size, stride, dilation, padding and depth multiplier:
 * runtime-c/kernels/qdepthwise_i8_dsp.c, no scratch, its requantization table in flash. The 3x3
 * depth-multiplier-1 layers also have QDepthwiseConv2D3x3Dsp; extraction picks by cost.
 */
/** The ops of this file, for the plugin's op list. */
export const DEPTHWISE_DSP_OPS: readonly OpDef[] = [
  dspTwinOp({
    name: "QDepthwiseConv2DDsp",
    generic: QDepthwiseConv2D,
    plan: (node, inputs) => planConv(node, inputs, true),
    unit: "qdepthwise_i8_dsp",
    kernelFn: "eg_qdepthwise_i8_dsp",
    // eg_qconv2d_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    params: (p) => [
      p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.cg, p.sh, p.sw, p.dh, p.dw, p.padTop, p.padLeft,
      p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind,
    ],
  }),
];
