import type { OpDef } from "../../../src/ir/op.js";
import { planConv, QDepthwiseConv2D } from "../../../src/ir/ops/quant/conv.js";
import { dspTwinOp } from "./dsp-twin.js";

/** DW_FAST_TAPS of qdepthwise_i8_dsp.c: the most taps of the widened-weight path. */
const DW_FAST_TAPS = 64;

/**
 * QDepthwiseConv2DDsp: QDepthwiseConv2D (same attributes, infer, evaluate, MACs and bit-exact C)
 * for int8 on Armv7E-M with any kernel size, stride, dilation, padding and depth multiplier:
 * runtime-c/kernels/qdepthwise_i8_dsp.c, its requantization table in flash. Scratch: with depth
 * multiplier 1, at least 4 channels and at most DW_FAST_TAPS taps, the weights of the groups of 4
 * channels sign-extended to int16 once per call, 2 * KH * KW * (C & ~3) bytes: no more than
 * CMSIS-NN's arm_depthwise_conv_s8_opt asks for the same layer (C * KH * KW int16). The 3x3
 * depth-multiplier-1 layers also have QDepthwiseConv2D3x3Dsp; extraction picks by cost.
 */
function depthwiseDspOp(name: string, scratch: (p: ReturnType<typeof planConv>) => number): OpDef {
  return dspTwinOp({
    name,
    generic: QDepthwiseConv2D,
    plan: (node, inputs) => planConv(node, inputs, true),
    unit: "qdepthwise_i8_dsp",
    kernelFn: "eg_qdepthwise_i8_dsp",
    // eg_qconv2d_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    params: (p) => [
      p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.cg, p.sh, p.sw, p.dh, p.dw, p.padTop, p.padLeft,
      p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind,
    ],
    scratch,
  });
}

/**
 * The ops of this file, for the plugin's op list. QDepthwiseConv2DDspBand is the band form
 * (`OpDef.bandOp`) a patch chain stages: the same kernel with no scratch (NULL: interior pixels widen
 * each tap's weight word themselves, one instruction more per tap and 4 MACs), so the widened
 * weights do not raise the chain's scratch, and no band call widens them again.
 */
export const DEPTHWISE_DSP_OPS: readonly OpDef[] = [
  { ...depthwiseDspOp("QDepthwiseConv2DDsp", (p) => (p.cg === 1 && p.c >= 4 && p.kh * p.kw <= DW_FAST_TAPS ? 2 * p.kh * p.kw * (p.c & ~3) : 0)), bandOp: "QDepthwiseConv2DDspBand" },
  depthwiseDspOp("QDepthwiseConv2DDspBand", () => 0),
];
