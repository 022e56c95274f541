import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importTflite, tfliteTensorNames } from "../../src/importers/tflite/index.js";
import { egret, type Graph } from "../../src/index.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * keyword_scrambled (TFLM's SVDF benchmark model, int16 state) under QEMU on Cortex-M4 with the
 * optimised kernels, i.e. the SMLAD SVDF kernels of runtime-c/kernels/qsvdf_i8_dsp.c (native path,
 * -O2 asm-free C): every tensor TFLite Micro dumped after the first Invoke (the 7 states included)
 * is bit-exact, and after 3 runs (the state streams: shifted twice) every tensor equals the
 * generic kernels' on the same board.
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

const run = (m: Loaded, kernels: "generic" | "optimised", inferences: number) =>
  egret.measure(m.extended, "cortex-m4", { inputs: [m.input], kernels, inferences, perOp: false, dir: join(work, `${kernels}-${inferences}`), sourceName: "keyword_scrambled" });

describe("keyword_scrambled (SVDF) on cortex-m4 under QEMU with the DSP SVDF kernels", () => {
  it("first run: all 7 SVDF layers on the DSP kernels, every dumped tensor (states included) equals TFLite Micro's", (ctx) => {
    const m = load(sharedOrSkip(ctx, "the keyword_scrambled QEMU run"));
    expect(m.dumped).toHaveLength(22);
    const first = run(m, "optimised", 1);
    const ops = first.program.nodes.map((n) => n.op);
    expect(ops.filter((op) => op === "QSvdfStateDsp")).toHaveLength(7);
    expect(ops.filter((op) => op === "QSvdfOutputDsp")).toHaveLength(7);
    m.dumped.forEach(([name, file], k) => expect(Array.from(first.outputs[k]!), `${name} (${file})`).toEqual(Array.from(readFileSync(join(m.dir, file)))));
  });

  it("three runs (the states stream): every tensor equals the generic kernels' on the same board", (ctx) => {
    const m = load(sharedOrSkip(ctx, "the keyword_scrambled QEMU run"));
    const fast = run(m, "optimised", 3);
    const generic = run(m, "generic", 3);
    expect(generic.program.nodes.some((n) => n.op.endsWith("Dsp"))).toBe(false);
    m.dumped.forEach(([name], k) => expect(Array.from(fast.outputs[k]!), `${name} after 3 runs`).toEqual(Array.from(generic.outputs[k]!)));
    // The states did move: the first layer's state (dumped tensor 1) after 3 runs is not TFLM's after 1.
    expect(Array.from(fast.outputs[1]!)).not.toEqual(Array.from(readFileSync(join(m.dir, m.dumped[1]![1]))));
  });
});
