import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { egret, runGraph } from "../../src/index.js";
import { expectCEqualsEvaluator, multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The general DSP depthwise kernel (QDepthwiseConv2DDsp, runtime-c/kernels/qdepthwise_i8_dsp.c) on
 * the kernel shapes of audio and vision MCU models, each at strides 1/2 and dilations 1/2 with odd
 * and multiple-of-4 channel counts, inputs large enough for interior pixels (the tap-list path,
 * weights widened in scratch or, in the band form QDepthwiseConv2DDspBand, per tap) and border
 * pixels (the clipped path); 9x9 (81 taps) exceeds the tap list's 64 taps.
 * Host build (portable wrappers, sanitizers) against the evaluator, then the same layers as
 * generic QDepthwiseConv2D nodes compiled for cortex-m4 with the optimised kernels and run under
 * QEMU (the native SXTAB16/SMLABB path): rewritten onto the DSP kernel, bit-exact.
 */
const SHAPES: readonly { k: [number, number]; s: [number, number]; d: [number, number]; c: number }[] = [
  { k: [3, 1], s: [1, 1], d: [1, 1], c: 8 },
  { k: [1, 3], s: [2, 2], d: [1, 1], c: 13 },
  { k: [5, 5], s: [1, 1], d: [1, 1], c: 12 },
  { k: [5, 5], s: [2, 2], d: [2, 1], c: 7 },
  { k: [7, 7], s: [1, 1], d: [1, 1], c: 5 },
  { k: [7, 7], s: [2, 1], d: [1, 2], c: 16 },
  { k: [10, 4], s: [1, 1], d: [1, 1], c: 9 },
  { k: [1, 10], s: [1, 2], d: [1, 1], c: 4 },
  { k: [5, 1], s: [1, 1], d: [2, 1], c: 64 },
  { k: [9, 9], s: [1, 1], d: [1, 1], c: 8 },
];

function shapeCase(op: "QDepthwiseConv2DDsp" | "QDepthwiseConv2DDspBand" | "QDepthwiseConv2D", i: number): QNode {
  const { k, s, d, c } = SHAPES[i]!;
  const r = rng(1500 + i);
  const [h, w] = [(k[0] - 1) * d[0] + 1 + randInt(r, 3, 6), (k[1] - 1) * d[1] + 1 + randInt(r, 3, 6)];
  const pads = [(k[0] - 1) >> 1, (k[1] - 1) >> 1, k[0] >> 1, k[1] >> 1].map((p, j) => p * d[j % 2]!);
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, h, w, c], r) },
      { value: randomInts("int8", [1, k[0], k[1], c], r, -127, 127), constant: true },
      // No bias in some host cases (the harness passes an absent input, which the rules' two-input
      // patterns do not match: the QEMU layers all have one).
      op !== "QDepthwiseConv2D" && i % 4 === 3 ? undefined : { value: randomInts("int32", [c], r), constant: true },
    ],
    attrs: {
      x_scale: randomScale(r, 0.01, 0.1), x_zero_point: randInt(r, -128, 127),
      w_scale: Array.from({ length: c }, () => randomScale(r, 0.002, 0.02)),
      y_scale: randomScale(r, 0.05, 0.5), y_zero_point: randInt(r, -128, 127),
      strides: s, dilations: d, pads, depth_multiplier: 1,
    },
  };
}

const work = mkdtempSync(join(tmpdir(), "egret-dw-shapes-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("general DSP depthwise on MCU kernel shapes (3x1 ... 10x4, 1x10, 9x9; strides, dilations, odd channels)", () => {
  it("host build (portable path, ASan/UBSan), with scratch and without (the band form), equals the evaluator", () => {
    const ops = ["QDepthwiseConv2DDsp", "QDepthwiseConv2DDspBand"] as const;
    const ref = expectCEqualsEvaluator(ops.flatMap((op) => SHAPES.map((_, i) => shapeCase(op, i))));
    expect(new Set(ref.flatMap((t) => Array.from(t.toNumbers()))).size, "outputs spread over the int8 range").toBeGreaterThan(150);
  });

  it("cortex-m4 under QEMU (native path): every layer rewritten onto a DSP depthwise kernel, bit-exact with the evaluator", () => {
    const { graph, feeds } = multiNodeGraph(SHAPES.map((_, i) => shapeCase("QDepthwiseConv2D", i)));
    const want = runGraph(graph, feeds);
    const m = egret.measure(graph, "cortex-m4", { kernels: "optimised", dir: work, inputs: feeds.map((t) => t.bytes()), inferences: 1, perOp: false, sourceName: graph.name });
    // The general DSP kernel, or the channel-planar rows kernel where the cost model prices it lower.
    expect(m.program.nodes.filter((n) => n.op === "QDepthwiseConv2DDsp" || n.op === "QDepthwiseConv2DRowsDsp")).toHaveLength(SHAPES.length);
    expect(m.program.nodes.some((n) => n.op === "QDepthwiseConv2DDsp"), "the general kernel keeps the shapes the rows kernel does not fit").toBe(true);
    expect(m.outputs).toHaveLength(want.length);
    want.forEach((t, i) => expect(Array.from(m.outputs[i]!), `layer ${i} ${JSON.stringify(SHAPES[i])}`).toEqual(Array.from(t.bytes())));
  });
});
