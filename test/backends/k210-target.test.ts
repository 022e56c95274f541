/**
 * The k210 target end to end: legality fallbacks, the memory error, and the real models
 * (iris.tflite, ulffd_landmark.tflite from ../shared) compiled with KPU layers, evaluated through
 * the TypeScript simulator, built as C (host) and compared bit for bit.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { expandKpuChains } from "../../backends/k210/kpu-chain.js";
import { extractForK210, k210Files, lowerK210 } from "./k210-support.js";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { parseKmodel } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { K210_EMIT_OPTIONS, mainMemoryBytes } from "../../backends/k210/target.js";
import { seededRandomInputs } from "../../backends/k210/calibrate.js";
import { compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { emitModel } from "../../src/emit/emit-model.js";
import { errorOf } from "../support/errors.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { buildAndRun, buildAndRunAsync } from "../support/c-run.js";
import { OPS } from "../support/toolchain.js";
import { letWorkerTalk } from "../support/yield.js";


/** A one-conv NCHW graph (weights constant) and its random input. */
function convGraph(c: number, h: number, w: number, oc: number, k: number, attrs: Record<string, number[] | number | string> = {}) {
  const group = typeof attrs["group"] === "number" ? attrs["group"] : 1;
  return singleNodeGraph(
    "Conv",
    [{ value: randomTensor([1, c, h, w], 1, 0, 1) }, { value: randomTensor([oc, c / group, k, k], 2), constant: true }, { value: randomTensor([oc], 3), constant: true }],
    { pads: Array(4).fill((k - 1) / 2), ...attrs },
  );
}

/** Builds the output dir, runs `runner` on the inputs and reads the float outputs back. */
function runC(program: Graph, files: ReadonlyMap<string, string>, inputs: readonly Tensor[]): Tensor[] {
  return buildAndRun(files, program.outputs, inputs, { makefileFlags: true });
}

describe("k210 legality: what the KPU cannot take stays on the CPU", () => {
  const cases: Array<[string, ReturnType<typeof convGraph>, RegExp]> = [
    ["a legal 3x3 conv", convGraph(8, 8, 8, 8, 3), /^$/],
    ["a 5x5 kernel", convGraph(4, 8, 8, 4, 5), /kernel 5×5/],
    ["1025 output channels", convGraph(4, 8, 8, 1025, 1), /1025 channels/],
    ["a 600-wide map", convGraph(1, 4, 600, 1, 1), /input width 600/],
    ["a 3x3 output", convGraph(1, 3, 8, 1, 1), /input height 3/],
    ["stride 3", convGraph(4, 12, 12, 4, 3, { strides: [3, 3] }), /strides \[3,3\]/],
    ["stride-2 padding beyond the KPU's", convGraph(4, 8, 8, 4, 1, { strides: [2, 2], pads: [1, 1, 1, 1] }), /pads at most 0/],
    ["more than 64 weight chunks", convGraph(1024, 4, 4, 1024, 3), /chunks/],
    ["maps beyond 2 MiB of KPU RAM", convGraph(16, 256, 512, 16, 1), /KPU RAM/],
  ];
  for (const [what, { graph, feeds }, reason] of cases) {
    it(what, () => {
      const lowered = lowerForK210(extractForK210(graph), [feeds], OPS);
      if (reason.source === "^$") {
        expect(lowered.kpuLayers).toEqual([graph.outputs[0]!.name]); // extraction names a node after its output
        expect(lowered.program.nodes.map((n) => n.op)).toEqual(["KpuConv2D"]);
      } else {
        expect(lowered.kpuLayers).toEqual([]);
        expect(lowered.fallbacks[0]?.reason).toMatch(reason);
        expect(lowered.program.nodes.map((n) => n.op)).toEqual(["Conv"]);
      }
    });
  }

  it("a legal stride-2 conv becomes pool type 5 and matches the float conv within its quantisation", () => {
    const { graph, feeds } = convGraph(8, 16, 16, 8, 3, { strides: [2, 2], activation: "Relu" });
    const lowered = lowerForK210(extractForK210(graph), [feeds], OPS);
    expect(JSON.parse(String(lowered.program.nodes[0]!.attrs["kpu_layer"])).args.poolType).toBe(5);
    const got = runGraph(lowered.program, feeds)[0]!.toNumbers();
    const want = runGraph(graph, feeds)[0]!.toNumbers();
    const yScale = Number(lowered.program.nodes[0]!.attrs["y_scale"]);
    // input, weight and output rounding: a few output steps at most on a 72-tap conv
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(4 * yScale);
    // KPU layer only: the C driver + simulator and the TS simulator agree bit for bit.
    const fromC = runC(lowered.program, k210Files(lowered.program), feeds)[0]!;
    expect(Buffer.from(fromC.bytes()).equals(Buffer.from(runGraph(lowered.program, feeds)[0]!.bytes()))).toBe(true);
  });
});

describe("k210 stride-2 convs the KPU runs at stride 1, subsampled on the CPU", () => {
  // Depthwise (nncase never pools depthwise layers, §1.4), TF-SAME padding (0 before, 1 after), odd maps.
  const cases: Array<[string, ReturnType<typeof convGraph>, number[]]> = [
    ["depthwise, pads 1", convGraph(8, 12, 16, 8, 3, { group: 8, strides: [2, 2], activation: "Relu" }), [2, 0, 0, 6, 8]],
    ["depthwise, TF SAME pads (0, 1)", convGraph(8, 12, 16, 8, 3, { group: 8, strides: [2, 2], pads: [0, 0, 1, 1] }), [2, 1, 1, 6, 8]],
    ["normal conv on an odd 9x11 map", convGraph(4, 9, 11, 8, 3, { strides: [2, 2] }), [2, 0, 0, 5, 6]],
  ];
  for (const [what, { graph, feeds }, subsample] of cases) {
    it(`${what}: matches the float conv within its quantisation; C and TS bit-identical; kmodel runs the same`, () => {
      const lowered = lowerForK210(extractForK210(graph), [feeds], OPS);
      expect(lowered.kpuLayers).toEqual([graph.outputs[0]!.name]); // extraction names a node after its output
      const node = lowered.program.nodes[0]!;
      expect(node.attrs["subsample"]).toEqual(subsample);
      expect(JSON.parse(String(node.attrs["kpu_layer"])).args.poolType).toBe(0);
      const got = runGraph(lowered.program, feeds)[0]!;
      const want = runGraph(graph, feeds)[0]!;
      expect(got.shape).toEqual(want.shape);
      const yScale = Number(node.attrs["y_scale"]);
      const g = got.toNumbers(), w = want.toNumbers();
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(4 * yScale);
      const fromC = runC(lowered.program, k210Files(lowered.program), feeds)[0]!;
      expect(Buffer.from(fromC.bytes()).equals(Buffer.from(got.bytes()))).toBe(true);
      // The kmodel: kpu_conv2d with a main-memory output, then a uint8 strided_slice.
      const model = parseKmodel(writeKmodel(lowered.program).bytes, "subsample.kmodel");
      if (model.version !== 4) throw new Error("expected a v4 kmodel");
      expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "strided_slice", "dequantize"]);
      const fromKmodel = new Float32Array(runKmodelV4(model, feeds.map((t) => new Uint8Array(t.bytes())))[0]!.slice().buffer);
      fromKmodel.forEach((v, i) => expect(Math.abs(v - g[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(g[i]!))));
    });
  }
});

describe("k210 memory", () => {
  it("a model that cannot fit the 6 MiB main SRAM gets an error with the numbers (compile --target k210)", () => {
    // A 5×5 conv (CPU float: the KPU has 1×1/3×3 only) from a 3×256×1024 float input (3 MiB) to
    // 8 channels (8 MiB): input and output are live together, so the arena alone is ≥ 11 MiB.
    const { graph } = convGraph(3, 256, 1024, 8, 5);
    const err = errorOf(() => compile(graph, { target: "k210" }));
    const m = /needs (\d+) bytes of main SRAM \(arena (\d+) \+ inputs\/outputs (\d+) \+ weights (\d+) \+ KPU layer parameters (\d+)\), more than the K210's 6291456 \(6 MiB\)/.exec(err.message);
    expect(m, err.message).not.toBeNull();
    const [total, arena, io, weights, kpu] = m!.slice(1).map(Number) as [number, number, number, number, number];
    // float32 input 3×256×1024 and output 8×256×1024 (the conv keeps the size with pads 2)
    expect(io).toBe((3 + 8) * 256 * 1024 * 4);
    // 8·3·5·5 float weights + 8 float biases
    expect(weights).toBeGreaterThanOrEqual((8 * 3 * 25 + 8) * 4);
    expect(kpu).toBe(0);
    expect(total).toBe(arena + io + weights + kpu);
  });

  it("the main-SRAM sum counts the KPU layer parameters", () => {
    const { graph, feeds } = convGraph(64, 16, 16, 64, 3);
    const lowered = lowerForK210(extractForK210(graph), [feeds], OPS);
    expect(lowered.kpuLayers).toEqual([graph.outputs[0]!.name]); // extraction names a node after its output
    const mem = mainMemoryBytes(emitModel(lowered.program, { ops: OPS, ...K210_EMIT_OPTIONS }), lowered.program);
    // 96 register bytes + 8 per output channel (BN) + 144 (activation) + 64·64·9 uint8 weights
    expect(mem.kpuParams).toBe(96 + 8 * 64 + 144 + 64 * 64 * 9);
    expect(mem.io).toBe((64 * 16 * 16 + 64 * 16 * 16) * 4);
    expect(mem.total).toBe(mem.arena + mem.io + mem.weights + mem.kpuParams);
  });
});

describe("k210 real models (../shared/models/kmodel/source)", () => {
  const useShared = sharedFor("k210 real-model tests");
  it("iris.tflite compiles for k210 and runs as C like the float program", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/kmodel/source/iris.tflite"));
    const input = Tensor.fromNumbers("float32", graph.inputs[0]!.shape, [5.1, 3.8, 1.9, 0.4]);
    const result = compile(graph, { target: "k210" });
    const got = runC(result.graph, result.files, [input])[0]!.toNumbers();
    const want = runGraph(graph, [input])[0]!.toNumbers();
    // The MLP has no convolution, so it is CPU-only (as nncase's v4 iris.kmodel): float results.
    expect(result.graph.nodes.some((n) => n.op === "KpuConv2D")).toBe(false);
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });

  it("ulffd_landmark.tflite: KPU layers; C and TS simulator and float program agree within 10 % of each output range", async (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/kmodel/source/ulffd_landmark.tflite"));
    // Each stage below takes tens of seconds on a loaded machine: the worker talks to vitest between them.
    await letWorkerTalk();
    const calibration = seededRandomInputs(graph, 1, 7);
    const inputs = seededRandomInputs(graph, 1, 99)[0]!;
    const float = extractForK210(graph);
    const { program } = lowerK210(float, calibration);
    await letWorkerTalk();
    // Every conv goes to the KPU, the stride-2 depthwise ones at stride 1 + CPU subsampling (nncase: 43).
    // Counted layer by layer: runs of layers chained in KPU RAM are one KpuConv2DChain node.
    const layers = expandKpuChains(program).nodes;
    expect(layers.filter((n) => n.op === "KpuConv2D").length).toBe(43);
    expect(layers.filter((n) => n.op === "KpuConv2D" && n.attrs["subsample"] !== undefined).length).toBeGreaterThan(0);
    expect(program.nodes.some((n) => n.op === "KpuConv2DChain")).toBe(true);
    expect(program.nodes.some((n) => n.op === "Conv")).toBe(false);
    const simulated = runGraph(program, inputs);
    await letWorkerTalk();
    const reference = runGraph(float, inputs);
    await letWorkerTalk();
    const files = k210Files(program);
    const fromC = await buildAndRunAsync(files, program.outputs, inputs, { makefileFlags: true });
    // CPU float convs differ in the last bits between the float64 TS reference and float32 C, which
    // can move a downstream KPU input across a rounding boundary: C and TS agree within the same bound.
    fromC.forEach((t, i) => {
      const a = t.toNumbers();
      const b = simulated[i]!.toNumbers();
      let lo = Infinity, hi = -Infinity, worst = 0;
      for (let j = 0; j < b.length; j++) { lo = Math.min(lo, b[j]!); hi = Math.max(hi, b[j]!); worst = Math.max(worst, Math.abs(a[j]! - b[j]!)); }
      console.log(`ulffd output ${i}: C vs TS simulator max |diff| ${worst}`);
      expect(worst).toBeLessThanOrEqual(0.08 * (hi - lo));
    });
    // Bound: each output is a chain of ~16 quantised layers (the stride-2 depthwise ones included, whose
    // per-tensor uint8 weights cost the most); worst error 10 % and mean error 2 % of the output's range
    // (measured with these seeds: output 0 worst 8.65 %, mean 1.33 %; 6.9 % worst while those 4 layers ran as float).
    simulated.forEach((t, i) => {
      const a = t.toNumbers();
      const b = reference[i]!.toNumbers();
      let lo = Infinity, hi = -Infinity, worst = 0, sum = 0;
      for (let j = 0; j < b.length; j++) {
        lo = Math.min(lo, b[j]!); hi = Math.max(hi, b[j]!);
        const d = Math.abs(a[j]! - b[j]!);
        worst = Math.max(worst, d); sum += d;
      }
      console.log(`ulffd output ${i}: range ${(hi - lo).toFixed(4)} max |err| ${worst.toFixed(4)} mean |err| ${(sum / b.length).toFixed(5)}`);
      expect(worst).toBeLessThanOrEqual(0.1 * (hi - lo));
      expect(sum / b.length).toBeLessThanOrEqual(0.02 * (hi - lo));
    });
  });
});
