import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { int8Chain, int8Input } from "../../bench/constructed-models.js";
import { egret, runGraph, Tensor, type Graph } from "../../src/index.js";

/**
 * The shapes that were below 0.6 MACs per instruction (issue 15), under QEMU (cortex-m4): 1x1
 * convolutions with K = 8/16/32 (runtime-c/kernels/qconv_i8_dsp_blk.c's pixel-pair and 2x2 block
 * path, with and without a fused ReLU, odd pixel counts) and first layers with C = 1 (10x4
 * kernel, KWS) and C = 3 (3x3 stride 2), which gather whole kernel rows
 * (qconv_i8_dsp_rows.c). The optimised build must equal the generic build and the evaluator.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-conv-small-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 25x9x1 input: 10x4 stride 2 "same" to 8 channels (13x5 = 65 pixels), then 1x1 K = 8, 16, 32. */
function kwsLike(): Graph {
  return int8Chain("conv_small_c1", [1, 25, 9, 1], [
    { kind: "conv", out: 8, kernel: [10, 4], strides: [2, 2], padding: "same", relu: true },
    { kind: "conv", out: 16, kernel: [1, 1], padding: "valid", relu: true },
    { kind: "conv", out: 32, kernel: [1, 1], padding: "valid", relu: false },
    { kind: "conv", out: 10, kernel: [1, 1], padding: "valid", relu: true },
  ], 15020);
}

/** 17x15x3 input: 3x3 stride 2 "same" to 8 channels (9x8 = 72 pixels), then 1x1 K = 8 without ReLU. */
function rgbLike(): Graph {
  return int8Chain("conv_small_c3", [1, 17, 15, 3], [
    { kind: "conv", out: 8, kernel: [3, 3], strides: [2, 2], padding: "same", relu: true },
    { kind: "conv", out: 6, kernel: [1, 1], padding: "valid", relu: false },
  ], 15021);
}

function check(graph: Graph, seed: number, kernels: readonly string[]): void {
  const input = int8Input(graph, seed);
  const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.bytes());
  expect(new Set(want).size, "outputs spread over the int8 range").toBeGreaterThan(20);
  const run = (k: "generic" | "optimised") =>
    egret.measure(graph, "cortex-m4", { kernels: k, inputs: [input], dir: join(work, `${graph.name}-${k}`), inferences: 2, perOp: false, sourceName: graph.name });
  const generic = run("generic");
  const fast = run("optimised");
  expect(Array.from(generic.outputs[0]!)).toEqual(want);
  expect(Array.from(fast.outputs[0]!)).toEqual(want);
  expect(fast.program.nodes.map((n) => n.op)).toEqual(kernels);
  expect(fast.instructionsPerInference).toBeLessThan(generic.instructionsPerInference / 2);
}

describe("small-K 1x1 and C = 1/3 first-layer convolutions under QEMU (cortex-m4)", () => {
  it("C = 1 10x4 stride 2, then 1x1 with K = 8, 16, 32 (ReLU and not): bit-exact with the generic kernels and the evaluator", () => {
    check(kwsLike(), 5, ["QConv2DDsp", "QConv2D1x1Dsp", "QConv2D1x1Dsp", "QConv2D1x1Dsp"]);
  });
  it("C = 3 3x3 stride 2, then 1x1 with K = 8: bit-exact with the generic kernels and the evaluator", () => {
    check(rgbLike(), 6, ["QConv2DDsp", "QConv2D1x1Dsp"]);
  });
});
