/**
 * Every op Egret leaves on the CPU for the K210 has a kmodel v4 form (kmodel/translate-cpu.ts):
 * pooling as reduce_window2d, global pooling as reduce, unary math and Sigmoid; each is run with
 * Egret's kmodel runner against the reference interpreter. A program kmodel v4 cannot express is a
 * compile error unless the kmodel is turned off (`--no-kmodel`), and the compile summary carries the
 * K210 figures. The corpus's Keras KWS model compiles to a kmodel that runs like the C program.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { kmodelFiles } from "../../backends/k210/target.js";
import { seededRandomInputs } from "../../backends/k210/calibrate.js";
import { EgretError } from "../../src/errors.js";
import { buildGraph, compile, importModelFile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { kerasReady } from "../../src/importers/keras/index.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { estimateKmodelLatency } from "../../backends/k210/latency.js";
import { errorOf } from "../support/errors.js";
import { randomTensor } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { buildAndRun } from "../support/c-run.js";

function parseV4(bytes: Uint8Array): KmodelV4 {
  const model = parseKmodel(bytes, "written.kmodel");
  if (model.version !== 4) throw new Error("expected a v4 kmodel");
  return model;
}

function runKmodel(bytes: Uint8Array, inputs: readonly Tensor[]): Float32Array[] {
  const model = parseV4(bytes);
  return runKmodelV4(model, inputs.map((t) => new Uint8Array(t.bytes()))).map((b) => new Float32Array(b.slice().buffer));
}

function oneOp(op: string, dims: number[], attrs: Record<string, number | number[] | string>): Graph {
  return buildGraph({
    name: op,
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims }],
    outputs: ["y"],
    constants: new Map(),
    nodes: [{ name: "n", op, inputs: ["x"], outputs: ["y"], attrs }],
  });
}

describe("kmodel v4 forms of the CPU ops", () => {
  const cases: Array<[string, string, number[], Record<string, number | number[] | string>, string[]]> = [
    ["MaxPool 2x2 s2", "MaxPool", [1, 3, 8, 10], { kernel_shape: [2, 2], strides: [2, 2] }, ["reduce_window2d"]],
    ["MaxPool 3x3 s2 ceil_mode, padded", "MaxPool", [1, 2, 9, 7], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 0], ceil_mode: 1 }, ["reduce_window2d"]],
    ["MaxPool NHWC", "MaxPool", [1, 6, 8, 4], { kernel_shape: [2, 2], strides: [2, 2], layout: "NHWC" }, ["transpose", "reduce_window2d", "transpose"]],
    ["AveragePool 3x3 s1 padded (taps inside the input)", "AveragePool", [1, 2, 6, 6], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, ["reduce_window2d"]],
    ["GlobalAveragePool", "GlobalAveragePool", [1, 5, 4, 3], {}, ["reduce"]],
    ["GlobalMaxPool", "GlobalMaxPool", [1, 5, 4, 3], {}, ["reduce"]],
    ["Sigmoid", "Sigmoid", [1, 7], {}, ["unary", "unary", "binary", "binary"]],
    ["Exp", "Exp", [2, 3], {}, ["unary"]],
  ];
  for (const [what, op, dims, attrs, nodes] of cases) {
    it(what, () => {
      const graph = oneOp(op, dims, attrs);
      const bytes = writeKmodel(graph).bytes;
      expect(parseV4(bytes).nodes.map((n) => n.name)).toEqual(nodes);
      const x = randomTensor(dims, 3, -2, 2);
      const got = runKmodel(bytes, [x])[0]!;
      const want = runGraph(graph, [x])[0]!.toNumbers();
      expect(got.length).toBe(want.length);
      // Float32 kernels against the float64 reference: a few ulps.
      want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
    });
  }

  it("AveragePool counting padded taps has no kmodel form: an error naming the node", () => {
    const graph = oneOp("AveragePool", [1, 2, 6, 6], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 });
    expect(errorOf(() => writeKmodel(graph)).message).toMatch(/node n \(AveragePool\): count_include_pad = 1/);
  });
});

describe("the k210 backend: no silent kmodel omission, and the summary's figures", () => {
  const calibration = [[Tensor.fromNumbers("float32", [1, 4], [0, 1, 2, 3])]];

  it("an op without a v4 form is an error that names it and --no-kmodel", () => {
    const graph = oneOp("Tanh", [1, 4], {});
    const err = errorOf(() => kmodelFiles(graph));
    expect(err).toBeInstanceOf(EgretError);
    expect(err.message).toMatch(/model\.kmodel cannot be written: .*node n \(Tanh\) has no kmodel v4 counterpart.*--no-kmodel/);
    // compile with the k210 option kmodel = false (the CLI's --no-kmodel) writes the C program only.
    const result = compile(graph, { target: "k210", calibration, targetOptions: { kmodel: false } });
    expect(result.binaryFiles.size).toBe(0);
    expect(result.summary.targetLines?.join("\n")).toMatch(/no model\.kmodel \(--no-kmodel\)/);
    expect(errorOf(() => compile(graph, { target: "k210", calibration })).message).toMatch(/--no-kmodel/);
  });

  it("a KPU program: weights include the KPU layers, the figures agree with the kmodel, model.h states the contract", () => {
    const x = randomTensor([1, 4, 8, 8], 11, 0, 1);
    const graph = buildGraph({
      name: "conv_pool",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 4, 8, 8] }],
      outputs: ["z"],
      constants: new Map([["w", randomTensor([8, 4, 3, 3], 12, -0.5, 0.5)], ["b", randomTensor([8], 13, -0.1, 0.1)]]),
      nodes: [
        { name: "c", op: "Conv", inputs: ["x", "w", "b"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1] } },
        { name: "p", op: "GlobalAveragePool", inputs: ["y"], outputs: ["z"], attrs: {} },
      ],
    });
    const result = compile(graph, { target: "k210", calibration: [[x]] });
    const f = result.summary.targetReport!;
    expect(f["kpuLayers"]).toBe(1);
    expect(f["cpuLayers"]).toBe(1);
    expect(f["kpuMacs"]).toBe(8 * 4 * 9 * 64);
    expect(f["kmodelBytes"]).toBe(result.binaryFiles.get("model.kmodel")!.length);
    expect(f["kpuRamBytes"]).toBeGreaterThan(0);
    // The latency estimate of the written file (latency.ts), in the text and the JSON figures.
    const est = estimateKmodelLatency(parseV4(result.binaryFiles.get("model.kmodel")!));
    expect(f["kmodelEstimatedMs"]).toBe(Math.round(est.totalMs * 1000) / 1000);
    expect(f["kmodelEstimatedKpuMs"]).toBeGreaterThan(0);
    expect(result.summary.targetLines?.join("\n")).toMatch(/model\.kmodel estimated [\d.]+ ms at 400 MHz \(KPU [\d.]+, CPU [\d.]+; per layer: egret info model\.kmodel; a cycle model not validated on silicon: it puts nncase's slim-320 kmodel at/);
    // 288 uint8 weights + 8 BN entries + registers + activation table; no float weights left.
    expect(result.summary.weightsBytes).toBe(288 + 8 * 8 + 96 + 144);
    const header = result.files.get("model.h")!;
    expect(header).toMatch(/NOT\s+\*?\s*reentrant/);
    expect(header).not.toMatch(/no global state/);
    expect(header).toMatch(/int model_run\(/);
    expect(result.files.get("model.c")!).not.toMatch(/\(void\)eg_kpu/);
  });
});

describe("kws-cnn-k210 (../shared/models/tf/kws-cnn-k210/mod.h5)", () => {
  const useShared = sharedFor("k210 kmodel of the Keras KWS model");
  beforeAll(() => kerasReady());

  it("compiles to a kmodel with every conv on the KPU that runs like the C program", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/tf/kws-cnn-k210/mod.h5"), { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) });
    const calibration = seededRandomInputs(graph, 2, 5);
    const result = compile(graph, { target: "k210", calibration });
    const bytes = result.binaryFiles.get("model.kmodel")!;
    expect(bytes).toBeDefined();
    expect(result.summary.targetReport!["kmodelKpuLayers"]).toBe(4);
    // Its four 2×2 MaxPools run in the KPU layers' pool stage (kpu-pool-fusion.ts), in the C program too.
    const model = parseV4(bytes);
    expect(model.nodes.map((n) => n.name)).not.toContain("reduce_window2d");
    expect(model.nodes.filter((n) => n.body.kpu !== undefined).map((n) => n.body.kpu!.layer.args.poolType)).toEqual([1, 1, 1, 1]);
    const inputs = seededRandomInputs(graph, 1, 77)[0]!;
    const got = runKmodel(bytes, inputs)[0]!;
    const c = buildAndRun(result.files, result.graph.outputs, inputs, { makefileFlags: true })[0]!.toNumbers();
    // KPU layers bit-exact; float pools, gemm and softmax within float32 rounding.
    c.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-4));
  });
});
