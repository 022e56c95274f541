import { describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor } from "../../src/index.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { convCase, expectAgreement, type KernelCase } from "./float-kernels-support.js";

/**
 * The channels-last blocked convolution (Conv2DGemmNHWC, its weight packed by
 * PackConv2DWeightsNHWC; runtime-c/kernels/conv_gemm_nhwc_f32.c) against the generic NHWC Conv:
 * the random NCHW cases of float-kernels-support.ts moved to NHWC (x [N, H, W, C], weights OHWI),
 * both run in one host build under ASan/UBSan and agree with each other and the evaluator.
 */

/** `t` with its axes permuted: output axis k is input axis perm[k]. */
function permuted(t: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]!);
  const src = t.toNumbers();
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float64Array(src.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let at = 0;
    for (let k = 0; k < shape.length; k++) at += idx[k]! * strides[perm[k]!]!;
    out[i] = src[at]!;
    for (let k = shape.length - 1; k >= 0 && ++idx[k]! === shape[k]!; k--) idx[k] = 0;
  }
  return Tensor.fromNumbers(t.dtype, shape, out);
}

const TO_NHWC = [0, 2, 3, 1];

/** An NCHW case of `blocked` as the channels-last case of `nhwcOp` (same numbers, moved axes). */
function nhwcCase(kc: KernelCase, nhwcOp: string, pack: string): KernelCase {
  return {
    ...kc,
    label: `${nhwcOp} from ${kc.label}`,
    blocked: nhwcOp,
    pack: { op: pack },
    attrs: { ...kc.attrs, layout: "NHWC" },
    x: permuted(kc.x, TO_NHWC),
    w: permuted(kc.w, TO_NHWC),
  };
}

describe("blocked NHWC convolution equals the generic NHWC Conv (host build, ASan/UBSan)", () => {
  it("Conv2DGemmNHWC: random kernels, strides, dilations, pads, channel tails, batch 2, run-time weights, 1x1 direct", async () => {
    const cases = [
      ...Array.from({ length: 14 }, (_, i) => nhwcCase(convCase("Conv2DGemm", 600 + i), "Conv2DGemmNHWC", "PackConv2DWeightsNHWC")),
      ...Array.from({ length: 3 }, (_, i) => nhwcCase(convCase("Conv2DGemm", 620 + i, true), "Conv2DGemmNHWC", "PackConv2DWeightsNHWC")),
    ];
    // 1x1, stride 1, unpadded: the direct GEMM of the input (pixels 15, 3 and 4: row tiles and the GEMV rows).
    for (const [seed, c, m, h, w] of [[640, 5, 9, 3, 5], [641, 3, 17, 1, 3], [642, 4, 4, 2, 2]] as const) {
      cases.push({
        label: `Conv2DGemmNHWC 1x1 #${seed} ${c}->${m} on ${h}x${w}`,
        blocked: "Conv2DGemmNHWC",
        pack: { op: "PackConv2DWeightsNHWC" },
        generic: "Conv",
        attrs: { layout: "NHWC" },
        x: randomTensor([1, h, w, c], seed + 1),
        w: randomTensor([m, 1, 1, c], seed + 2),
        b: randomTensor([m], seed + 3),
      });
    }
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
