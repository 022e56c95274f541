import { describe, it } from "vitest";
import { expectAgreement } from "./float-kernels-support.js";
import { nhwcGemmCase, nhwcPointwiseCase } from "./float-kernels-nhwc-support.js";

/**
 * The channels-last blocked convolution (Conv2DGemmNHWC, its weight packed by
 * PackConv2DWeightsNHWC; runtime-c/kernels/conv_gemm_nhwc_f32.c) against the generic NHWC Conv:
 * the random NCHW cases of float-kernels-support.ts moved to NHWC (x [N, H, W, C], weights OHWI),
 * both run in one host build under ASan/UBSan and agree with each other and the evaluator.
 */

describe("blocked NHWC convolution equals the generic NHWC Conv (host build, ASan/UBSan)", () => {
  it("Conv2DGemmNHWC: random kernels, strides, dilations, pads, channel tails, batch 2, run-time weights, 1x1 direct", async () => {
    const cases = [
      ...Array.from({ length: 14 }, (_, i) => nhwcGemmCase(600 + i)),
      ...Array.from({ length: 3 }, (_, i) => nhwcGemmCase(620 + i, true)),
    ];
    // 1x1, stride 1, unpadded: the direct GEMM of the input (15 pixels: row tiles and GEMV rows; 3; 4).
    cases.push(nhwcPointwiseCase(640, 5, 9, 3, 5), nhwcPointwiseCase(641, 3, 17, 1, 3), nhwcPointwiseCase(642, 4, 4, 2, 2));
    await expectAgreement(cases);
  });
});
