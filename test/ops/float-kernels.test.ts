import { describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor } from "../../src/index.js";
import { singleNodeGraph } from "../support/graphs.js";
import { convCase, expectAgreement, matmulCase, pointwiseCase, type KernelCase } from "./float-kernels-support.js";

/**
 * The blocked float kernels (runtime-c/kernels/tile_f32.c and its users; ops Conv2DGemm,
 * Conv2DDepthwise, Conv2DWinograd, MatMulPacked and their weight packing ops) against the
 * generic kernels: every random case runs as the blocked op and as Conv/MatMul/Gemm on the same
 * inputs in one host build under ASan/UBSan (-O1), and both must agree with each other and with
 * the evaluator within the conformance tolerance (rtol 1e-4, atol 1e-5). Winograd must also stay
 * within its documented bound of the exact float64 convolution.
 */

const FLT_EPSILON = 2 ** -23;

/**
 * Exact float64 direct convolution and, per output, sum |w x| over its taps (the scale of the
 * rounding error any float32 summation order makes).
 */
function exactConv(kc: KernelCase): { y: Float64Array; scale: Float64Array } {
  const [n, c, h, w] = kc.x.shape as [number, number, number, number];
  const [m, , kh, kw] = kc.w.shape as [number, number, number, number];
  const pads = kc.attrs["pads"] as number[];
  const oh = h + pads[0]! + pads[2]! - kh + 1;
  const ow = w + pads[1]! + pads[3]! - kw + 1;
  const xv = kc.x.toNumbers();
  const wv = kc.w.toNumbers();
  const bv = kc.b?.toNumbers();
  const y = new Float64Array(n * m * oh * ow);
  const scale = new Float64Array(y.length);
  for (let b = 0; b < n; b++) for (let o = 0; o < m; o++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let s = bv ? bv[o]! : 0;
    let mag = Math.abs(s);
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const ih = i - pads[0]! + p;
      const iw = j - pads[1]! + q;
      if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
      const t = xv[((b * c + ch) * h + ih) * w + iw]! * wv[((o * c + ch) * kh + p) * kw + q]!;
      s += t;
      mag += Math.abs(t);
    }
    const at = ((b * m + o) * oh + i) * ow + j;
    y[at] = s;
    scale[at] = mag;
  }
  return { y, scale };
}

describe("blocked float kernels equal the generic kernels (host build, ASan/UBSan)", () => {
  it("Conv2DGemm: random kernels, strides, dilations, pads, channel tails, 1x1 direct and banded, run-time weights", async () => {
    const cases = [
      ...Array.from({ length: 14 }, (_, i) => convCase("Conv2DGemm", 100 + i)),
      ...Array.from({ length: 3 }, (_, i) => convCase("Conv2DGemm", 120 + i, true)),
    ];
    // Pointwise layers wide enough for the direct path (no band: OH * OW >= 8) and too small for it.
    cases.push(pointwiseCase(140, 5, 6, 3, 5), pointwiseCase(141, 3, 9, 1, 3), pointwiseCase(142, 4, 4, 2, 2));
    await expectAgreement(cases);
  });

  it("Conv2DDepthwise: row blocks below and above 4, narrow and wide rows, strides and dilations", async () => {
    await expectAgreement(Array.from({ length: 16 }, (_, i) => convCase("Conv2DDepthwise", 200 + i)));
  });

  it("Conv2DWinograd: tails of tiles and channels, asymmetric pads, run-time weights; within 8 eps of sum |w x|", async () => {
    const cases = [...Array.from({ length: 12 }, (_, i) => convCase("Conv2DWinograd", 300 + i)), convCase("Conv2DWinograd", 320, true)];
    const c = await expectAgreement(cases);
    let worst = 0;
    cases.forEach((kc, k) => {
      if (kc.attrs["activation"] !== undefined) return; // the bound is on the convolution itself
      const { y, scale } = exactConv(kc);
      const got = c[2 * k]!.toNumbers();
      for (let i = 0; i < y.length; i++) {
        const err = Math.abs(got[i]! - y[i]!) / (scale[i]! * FLT_EPSILON || 1);
        worst = Math.max(worst, err);
      }
    });
    expect(worst, "Winograd's error in float32 epsilons of sum |w x|").toBeLessThanOrEqual(8);
    expect(worst).toBeGreaterThan(0);
  });

  it("MatMulPacked: GEMV and row tiles, panel tails, transB, biases [N] and [1, N], batched A, run-time B", async () => {
    await expectAgreement([...Array.from({ length: 18 }, (_, i) => matmulCase(400 + i)), matmulCase(430, true), matmulCase(431, true)]);
  });
});

describe("blocked float ops reject what their kernels do not handle", () => {
  const x = (shape: number[]) => ({ value: Tensor.fromNumbers("float32", shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.5)) });
  const w = (shape: number[]) => ({ value: Tensor.fromNumbers("float32", shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.25)), constant: true });
  const run = (op: string, inputs: ({ value: Tensor; constant?: boolean } | undefined)[], attrs = {}) => {
    const { graph, feeds } = singleNodeGraph(op, inputs, attrs);
    return runGraph(graph, feeds);
  };
  const cases: [string, () => unknown, RegExp][] = [
    ["grouped Conv2DGemm", () => run("Conv2DGemm", [x([1, 4, 5, 5]), w([4, 2, 3, 3])], { group: 2 }), /Conv2DGemm needs an ungrouped convolution.*use Conv/],
    ["1-D Conv2DGemm", () => run("Conv2DGemm", [x([1, 2, 5]), w([3, 2, 3])]), /Conv2DGemm takes 2-D convolutions/],
    ["NHWC Conv2DGemm", () => run("Conv2DGemm", [x([1, 5, 5, 2]), w([3, 3, 3, 2])], { layout: "NHWC" }), /NCHW convolutions only/],
    ["non-depthwise Conv2DDepthwise", () => run("Conv2DDepthwise", [x([1, 4, 5, 5]), w([4, 2, 3, 3])], { group: 2 }), /needs a depthwise convolution/],
    ["strided Winograd", () => run("Conv2DWinograd", [x([1, 2, 6, 6]), w([16, 3, 2])], { strides: [2, 2] }), /stride 1 and no dilation, got strides \[2, 2\]/],
    ["5x5 Winograd weights", () => run("PackWinogradWeights", [w([3, 2, 5, 5])]), /transforms 3x3 convolution weights/],
    ["MatMulPacked with a full C", () => run("MatMulPacked", [x([2, 3]), w([3, 4]), w([2, 4])]), /one value per column.*use Gemm/],
    ["PackMatMulWeights of rank 3", () => run("PackMatMulWeights", [w([2, 3, 4])]), /packs a matrix B/],
    ["NCHW Conv2DGemmNHWC", () => run("Conv2DGemmNHWC", [x([1, 2, 5, 5]), w([3, 2, 3, 3])]), /Conv2DGemmNHWC takes NHWC convolutions only; use Conv/],
    ["grouped Conv2DGemmNHWC", () => run("Conv2DGemmNHWC", [x([1, 5, 5, 4]), w([4, 3, 3, 2])], { layout: "NHWC", group: 2 }), /needs an ungrouped convolution/],
    ["PackConv2DWeightsNHWC of rank 3", () => run("PackConv2DWeightsNHWC", [w([3, 3, 2])]), /packs 2-D convolution weights \[M, KH, KW, C\]/],
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
