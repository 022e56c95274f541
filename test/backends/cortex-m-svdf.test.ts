import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { int8Input } from "../../bench/constructed-models.js";
import { svdfKeywordStack } from "../../bench/constructed-svdf.js";
import { importTflite, tfliteTensorNames } from "../../src/importers/tflite/index.js";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { runCortexM4OnQemu } from "../support/qemu-harness.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * keyword_scrambled (TFLM's SVDF benchmark model, int16 state) under QEMU on Cortex-M4 with the
 * optimised kernels, i.e. the SMLAD SVDF kernels of runtime-c/kernels/qsvdf_i8_dsp.c (native path,
 * -O2 asm-free C): every tensor TFLite Micro dumped after the first Invoke (the 7 states included)
 * is bit-exact, and after 3 runs (the state streams: shifted twice) every tensor equals the
 * generic kernels' on the same board. The constructed SVDF stack likewise, against the evaluator
 * (first run) and the generic kernels (4 runs). The cross build and the QEMU run are child processes the test
 * awaits (the harness Makefile's `run` target), so the worker's event loop stays free.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-svdf-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The dumped tensors of tensors_index.txt that the imported graph computes: [tensor name, file]. */
function dumpedTensors(dir: string, graph: Graph, names: readonly string[]): [string, string][] {
  return readFileSync(join(dir, "tensors_index.txt"), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(" "))
    .map(([index, file]) => [names[Number(index)]!, file!] as [string, string])
    .filter(([name]) => graph.nodes.some((n) => n.outputs.includes(name)));
}

interface Loaded {
  readonly extended: Graph;
  readonly dumped: [string, string][];
  readonly dir: string;
  readonly input: Uint8Array;
}

/** The model with every dumped tensor as an output, and the golden input. */
function load(shared: string): Loaded {
  const path = "tflm-models/keyword_scrambled.tflite";
  const bytes = new Uint8Array(readFileSync(join(shared, "models", "tflite", path)));
  const graph = importTflite(bytes, path);
  const dir = join(shared, "golden", "keyword_scrambled");
  const dumped = dumpedTensors(dir, graph, tfliteTensorNames(bytes));
  const extended: Graph = { ...graph, outputs: dumped.map(([name]) => ({ name, ...graph.values.get(name)! })) };
  return { extended, dumped, dir, input: new Uint8Array(readFileSync(join(dir, "input_0.bin"))) };
}

/** Compiles `graph` for cortex-m4 (DSP rules on or off), builds the harness and runs `inferences` inferences under QEMU. */
const runOnQemu = (graph: Graph, input: Uint8Array, targetRules: boolean, inferences: number) => runCortexM4OnQemu(work, graph, input, targetRules, inferences);

const calls = (c: string, fn: string) => c.split(`${fn}(`).length - 1;

describe("keyword_scrambled (SVDF) on cortex-m4 under QEMU with the DSP SVDF kernels", () => {
  it("first run: all 7 SVDF layers on the DSP kernels, every dumped tensor (states included) equals TFLite Micro's", async (ctx) => {
    const m = load(sharedOrSkip(ctx, "the keyword_scrambled QEMU run"));
    expect(m.dumped).toHaveLength(22);
    const first = await runOnQemu(m.extended, m.input, true, 1);
    expect(calls(first.modelC, "eg_qsvdf_state_i16_dsp")).toBe(7);
    expect(calls(first.modelC, "eg_qsvdf_output_i16_dsp")).toBe(7);
    m.dumped.forEach(([name, file], k) => expect(Array.from(first.outputs[k]!), `${name} (${file})`).toEqual(Array.from(readFileSync(join(m.dir, file)))));
  });

  it("three runs (the states stream): every tensor equals the generic kernels' on the same board", async (ctx) => {
    const m = load(sharedOrSkip(ctx, "the keyword_scrambled QEMU run"));
    const fast = await runOnQemu(m.extended, m.input, true, 3);
    const generic = await runOnQemu(m.extended, m.input, false, 3);
    expect(calls(generic.modelC, "eg_qsvdf_state_i16")).toBe(7);
    expect(calls(generic.modelC, "_dsp")).toBe(0);
    m.dumped.forEach(([name], k) => expect(Array.from(fast.outputs[k]!), `${name} after 3 runs`).toEqual(Array.from(generic.outputs[k]!)));
    // The states did move: the first layer's state (dumped tensor 1) after 3 runs is not TFLM's after 1.
    expect(Array.from(fast.outputs[1]!)).not.toEqual(Array.from(readFileSync(join(m.dir, m.dumped[1]![1]))));
  });
});

describe("the constructed SVDF stack (bench/constructed-svdf.ts) on cortex-m4 under QEMU", () => {
  it("all 3 layers on the DSP kernels; first run equals the evaluator, 4 runs equal the generic kernels", async () => {
    const graph = svdfKeywordStack();
    const input = int8Input(graph, 7);
    const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.bytes());
    expect(new Set(want).size, "outputs spread").toBeGreaterThan(6);
    const first = await runOnQemu(graph, input, true, 1);
    expect(calls(first.modelC, "eg_qsvdf_state_i16_dsp")).toBe(3);
    expect(calls(first.modelC, "eg_qsvdf_output_i16_dsp")).toBe(3);
    expect(Array.from(first.outputs[0]!)).toEqual(want);
    const fast = await runOnQemu(graph, input, true, 4);
    const generic = await runOnQemu(graph, input, false, 4);
    expect(Array.from(fast.outputs[0]!)).toEqual(Array.from(generic.outputs[0]!));
    expect(Array.from(fast.outputs[0]!)).not.toEqual(want);
  });
});
