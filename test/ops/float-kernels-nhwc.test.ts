import { describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor } from "../../src/index.js";
import { singleNodeGraph } from "../support/graphs.js";
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

describe("Conv2DGemmNHWC rejects what its kernel does not handle", () => {
  const x = (shape: number[]) => ({ value: Tensor.fromNumbers("float32", shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.5)) });
  const w = (shape: number[]) => ({ value: Tensor.fromNumbers("float32", shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.25)), constant: true });
  const cases: [string, () => unknown, RegExp][] = [
    ["an NCHW Conv", () => runGraph(...graphOf("Conv2DGemmNHWC", [x([1, 2, 5, 5]), w([3, 2, 3, 3])], {})), /Conv2DGemmNHWC takes NHWC convolutions only; use Conv/],
    ["a grouped Conv", () => runGraph(...graphOf("Conv2DGemmNHWC", [x([1, 5, 5, 4]), w([4, 3, 3, 2])], { layout: "NHWC", group: 2 })), /needs an ungrouped convolution/],
    ["weights of rank 3", () => runGraph(...graphOf("PackConv2DWeightsNHWC", [w([3, 3, 2])], {})), /packs 2-D convolution weights \[M, KH, KW, C\]/],
  ];
  for (const [name, f, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EgretError);
      expect((error as EgretError).message).toMatch(message);
      expect((error as EgretError).message).toMatch(/^node "/);
    });
  }
});

function graphOf(op: string, inputs: Parameters<typeof singleNodeGraph>[1], attrs: Record<string, number | string>) {
  const { graph, feeds } = singleNodeGraph(op, inputs, attrs);
  return [graph, feeds] as const;
}
