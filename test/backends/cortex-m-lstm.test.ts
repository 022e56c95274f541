import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lstmNetwork } from "../../bench/constructed-lstm.js";
import { int8Input } from "../../bench/constructed-models.js";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { runCortexM4OnQemu } from "../support/qemu-harness.js";

/**
 * A constructed int8 LSTM (bench/constructed-lstm.ts; odd feature and unit counts, so the native
 * SMLAD loops and the k % 4 tails both run) under QEMU on Cortex-M4 with the optimised kernels,
 * i.e. QLstmDsp's runtime-c/kernels/qlstm_i8_dsp.c on the native DSP path: the first run equals
 * the TypeScript evaluator, and 3 runs (h and c stream across runs) equal the generic kernel on the
 * same board. The cross build and the QEMU run are child processes the test awaits.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-lstm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The last inference's int8 output of `graph` on cortex-m4 (DSP rules on or off) under QEMU, and model.c. */
async function runOnQemu(graph: Graph, input: Uint8Array, targetRules: boolean, inferences: number): Promise<{ modelC: string; output: number[] }> {
  const run = await runCortexM4OnQemu(work, graph, input, targetRules, inferences);
  return { modelC: run.modelC, output: Array.from(run.outputs[0]!, (b) => (b << 24) >> 24) };
}

describe("a constructed int8 LSTM on cortex-m4 under QEMU with the DSP LSTM kernel", () => {
  it("21 features, 27 units, 7 steps: first run equals the evaluator, 3 runs equal the generic kernel", async () => {
    const graph = lstmNetwork("lstm_odd", { features: 21, units: 27, steps: 7 }, 77);
    const input = int8Input(graph, 7);
    const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.toNumbers());
    expect(new Set(want).size, "hidden values spread").toBeGreaterThan(20);
    const first = await runOnQemu(graph, input, true, 1);
    expect(first.modelC.split("eg_qlstm_i8_dsp(").length - 1).toBe(1);
    expect(first.output).toEqual(want);
    const fast = await runOnQemu(graph, input, true, 3);
    const generic = await runOnQemu(graph, input, false, 3);
    expect(generic.modelC).not.toContain("eg_qlstm_i8_dsp(");
    expect(fast.output).toEqual(generic.output);
    expect(fast.output, "the state streamed across runs").not.toEqual(want);
  });
});
