import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lstmNetwork } from "../../bench/constructed-lstm.js";
import { int8Input } from "../../bench/constructed-models.js";
import { importTflite } from "../../src/importers/tflite/index.js";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { runCortexM4OnQemu } from "../support/qemu-harness.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * A constructed int8 LSTM (bench/constructed-lstm.ts; odd feature and unit counts, 9 steps, so the
 * int16-weight asm loop runs with padded columns) under QEMU on Cortex-M4 with the optimised
 * kernels, i.e. QLstmDsp's runtime-c/kernels/qlstm_i8_dsp.c on the native DSP path: the first run
 * equals the TypeScript evaluator, and 3 runs (h and c stream across runs) equal the generic kernel
 * on the same board. TFLite Micro's DTLN example (two integer LSTMs, ../shared) equals its
 * golden_ref with both LSTMs on the DSP kernel (one step each: the int8-weight path). The cross
 * build and the QEMU run are child processes the test awaits.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-lstm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The last inference's int8 output of `graph` on cortex-m4 (DSP rules on or off) under QEMU, and model.c. */
async function runOnQemu(graph: Graph, input: Uint8Array, targetRules: boolean, inferences: number): Promise<{ modelC: string; output: number[] }> {
  const run = await runCortexM4OnQemu(work, graph, input, targetRules, inferences);
  return { modelC: run.modelC, output: Array.from(run.outputs[0]!, (b) => (b << 24) >> 24) };
}

describe("a constructed int8 LSTM on cortex-m4 under QEMU with the DSP LSTM kernel", () => {
  it("21 features, 27 units, 9 steps (int16 weights): first run equals the evaluator, 3 runs equal the generic kernel", async () => {
    const graph = lstmNetwork("lstm_odd", { features: 21, units: 27, steps: 9 }, 77);
    const input = int8Input(graph, 7);
    const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.toNumbers());
    expect(new Set(want).size, "hidden values spread").toBeGreaterThan(20);
    const first = await runOnQemu(graph, input, true, 1);
    expect(first.modelC.split("eg_qlstm_i8_dsp(").length - 1).toBe(1);
    expect(first.modelC, "int16 gate weights").toContain("int16_t v[");
    expect(first.output).toEqual(want);
    const fast = await runOnQemu(graph, input, true, 3);
    const generic = await runOnQemu(graph, input, false, 3);
    expect(generic.modelC).not.toContain("eg_qlstm_i8_dsp(");
    expect(fast.output).toEqual(generic.output);
    expect(fast.output, "the state streamed across runs").not.toEqual(want);
  });
});

/** A `name[] = { ... };` C array of numbers from a .cc file. */
function cArray(text: string, name: string): number[] {
  const at = text.lastIndexOf(`${name}[] = {`);
  return text.slice(text.indexOf("{", at) + 1, text.indexOf("}", at)).split(",").map((v) => v.trim()).filter((v) => v !== "").map(Number);
}

describe("TFLite Micro's DTLN example (integer LSTMs) on cortex-m4 under QEMU with the DSP LSTM kernel", () => {
  it("both LSTMs on eg_qlstm_i8_dsp; the output equals dtln_test.cc's golden_ref", async (ctx) => {
    const dir = join(sharedOrSkip(ctx, "the DTLN QEMU run"), "models", "tflite", "tflm-examples", "dtln");
    const graph = importTflite(new Uint8Array(readFileSync(join(dir, "dtln_noise_suppression.tflite"))), "dtln_noise_suppression.tflite");
    const text = readFileSync(join(dir, "dtln_inout_data.cc"), "utf8");
    const golden = cArray(text, "golden_ref");
    expect(golden).toHaveLength(257);
    const run = await runOnQemu(graph, Uint8Array.from(cArray(text, "feature_data"), (v) => v & 255), true, 1);
    expect(run.modelC.split("eg_qlstm_i8_dsp(").length - 1).toBe(2);
    expect(run.modelC, "one step: int8 gate weights").not.toContain("int16_t v[");
    expect(run.output).toEqual(golden);
  });
});
