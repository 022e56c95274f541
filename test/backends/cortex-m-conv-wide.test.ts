import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { int8Chain, int8Input } from "../../bench/constructed-models.js";
import { egret, runGraph, Tensor } from "../../src/index.js";

/**
 * The DSP convolutions' native asm paths under QEMU (cortex-m4): the widened-weight GEMM
 * (runtime-c/kernels/qconv_i8_dsp_w16.c, LDRD/SMLAD loop) and the int8-weight GEMM with its 2x2
 * block requantization (SSAT, SSUB8/SEL, halfword stores), on layers whose shapes hit the block's
 * tails: odd output channel counts, odd pixel counts, K % 4 = 1..3 and K < 8. The host tests
 * (test/ops/conv-dsp-wide.test.ts) run only the portable C; here the outputs of the optimised
 * build must equal the generic build's and the evaluator's.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-conv-wide-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * 13x11x3 input: 3x3 conv to 7 channels (K = 27, 143 pixels: widened), 1x1 to 5 (K = 7), 2x2
 * conv to 9 (K = 20), 3x3 valid stride 2 to 6 (K = 81, 30 pixels: int8 weights), 1x1 to 3 (K = 6).
 */
function convTails() {
  return int8Chain("conv_tails", [1, 13, 11, 3], [
    { kind: "conv", out: 7, kernel: [3, 3], padding: "same", relu: true },
    { kind: "conv", out: 5, kernel: [1, 1], padding: "valid", relu: false },
    { kind: "conv", out: 9, kernel: [2, 2], padding: "same", relu: true },
    { kind: "conv", out: 6, kernel: [3, 3], strides: [2, 2], padding: "valid", relu: false },
    { kind: "conv", out: 3, kernel: [1, 1], padding: "valid", relu: true },
  ], 15010);
}

describe("DSP convolutions under QEMU (cortex-m4)", () => {
  it("widened and int8-weight GEMMs on odd O, odd pixel counts, K % 4 != 0, K < 8: bit-exact with the generic kernels and the evaluator", () => {
    const graph = convTails();
    const input = int8Input(graph, 3);
    const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.bytes());
    expect(new Set(want).size, "outputs spread over the int8 range").toBeGreaterThan(20);
    const run = (kernels: "generic" | "optimised") =>
      egret.measure(graph, "cortex-m4", { kernels, inputs: [input], dir: join(work, kernels), inferences: 2, perOp: false, sourceName: graph.name });
    const generic = run("generic");
    const fast = run("optimised");
    expect(Array.from(generic.outputs[0]!)).toEqual(want);
    expect(Array.from(fast.outputs[0]!)).toEqual(want);
    expect(fast.program.nodes.map((n) => n.op)).toEqual(["QConv2DDsp", "QConv2D1x1Dsp", "QConv2DDsp", "QConv2DDsp", "QConv2D1x1Dsp"]);
    expect(fast.instructionsPerInference).toBeLessThan(generic.instructionsPerInference / 2);
  });
});
