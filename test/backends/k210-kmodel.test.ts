/**
 * The kmodel v4 writer (backends/k210/kmodel-writer.ts), checked with Egret's own kmodel reader
 * (backends/k210/kmodel, written independently from K210-KPU.md §4.3): the file parses, the KPU
 * parameter blocks sit at absolute multiples of 256, the layers read back equal to the compiled
 * ones, and `runKmodelV4` (simulator + nncase-style CPU kernels) gives the lowered program's results.
 */
import { expandKpuChains } from "../../backends/k210/kpu-chain.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandomInputs } from "../../backends/k210/calibrate.js";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { packLayerArgument } from "../../backends/k210/kpu-layer.js";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { extractForK210, lowerK210, worstAndRange } from "./k210-support.js";
import { kpuLayerOf } from "../../backends/k210/ops/kpu-conv2d.js";
import { kmodelFiles } from "../../backends/k210/target.js";
import { Diagnostics } from "../../src/pipeline/diagnostics.js";
import { EgretError } from "../../src/errors.js";
import { buildGraph, compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { errorOf } from "../support/errors.js";
import { randomTensor } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { OPS } from "../support/toolchain.js";
import { letWorkerTalk } from "../support/yield.js";


function parseV4(bytes: Uint8Array): KmodelV4 {
  const model = parseKmodel(bytes, "written.kmodel");
  if (model.version !== 4) throw new Error("expected a v4 kmodel");
  return model;
}

/** Runs the kmodel on float32 inputs; outputs as float32 arrays. */
function runFloat(model: KmodelV4, inputs: readonly Tensor[]): Float32Array[] {
  return runKmodelV4(model, inputs.map((t) => new Uint8Array(t.bytes()))).map((b) => new Float32Array(b.slice().buffer));
}

/** Largest |a - b| and the range of b. */
const compare = worstAndRange;

/** Every KPU layer of the file: parameter blocks on 256-byte file offsets, content as compiled. */
function expectKpuLayersAsCompiled(model: KmodelV4, program: Graph): void {
  // One KpuConv2D per layer: the C program's KPU-RAM chains (KpuConv2DChain) counted layer by layer.
  const compiled = expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D").map(kpuLayerOf);
  const written = model.nodes.filter((n) => n.name === "kpu_conv2d");
  expect(written.length).toBe(compiled.length);
  written.forEach((node, i) => {
    const k = node.body.kpu!;
    const want = compiled[i]!;
    // Body: 16 + 4 + 4 + 96 bytes, then pad → BN, pad → activation, pad → weights (§4.3).
    const bn = node.offset + 120 + k.layer.args.bwsxBaseAddr;
    const act = bn + 8 * k.layer.batchNorm.length + k.layer.args.activeAddr;
    const weights = act + 144 + k.layer.args.paraStartAddr;
    for (const at of [bn, act, weights]) expect(at % 256).toBe(0);
    expect(k.layer.batchNorm).toEqual(want.batchNorm);
    expect(k.layer.activation).toEqual(want.activation);
    expect(Buffer.from(k.layer.weights).equals(Buffer.from(want.weights))).toBe(true);
    // Registers: equal except the fields the writer owns (addresses, pad counts, int_en, send_data_out),
    // and, for a 1×1 layer that took over its producer's subsampling (kmodel/motion.ts: pool type 5
    // on the full map), the geometry fields.
    const owned = { imageSrcAddr: 0, imageDstAddr: 0, bwsxBaseAddr: 0, activeAddr: 0, paraStartAddr: 0, intEn: 0, sendDataOut: 0 };
    if (k.layer.args.poolType === 5 && want.args.poolType === 0) {
      expect([k.layer.args.kernelType, k.layer.args.oRowWid, k.layer.args.oColHigh]).toEqual([0, want.args.oRowWid, want.args.oColHigh]);
      expect(k.layer.args.iRowWid).toBe(2 * want.args.iRowWid + 1);
      return;
    }
    expect(packLayerArgument({ ...k.layer.args, ...owned })).toEqual(packLayerArgument({ ...want.args, ...owned }));
  });
}

/**
 * x → 3×3 conv (relu) → 1×1 conv → [relu, concat with the first conv's output] : NCHW, KPU-legal.
 * The convs are written as the KPU candidates extraction would choose (rules/targets/k210.rules),
 * without running the optimizer, so the Relu stays a separate CPU op for the writer to handle.
 */
function twoConvGraph(): { graph: Graph; feeds: Tensor[] } {
  const x = randomTensor([1, 4, 8, 8], 11, 0, 1);
  const graph = buildGraph({
    name: "two_conv",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 4, 8, 8] }],
    outputs: ["z"],
    constants: new Map([
      ["w1", randomTensor([8, 4, 3, 3], 12, -0.5, 0.5)],
      ["b1", randomTensor([8], 13, -0.1, 0.1)],
      ["w2", randomTensor([8, 8, 1, 1], 14, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1", "b1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: {} },
      { name: "r", op: "Relu", inputs: ["y2"], outputs: ["y3"], attrs: {} },
      { name: "cat", op: "Concat", inputs: ["y1", "y3"], outputs: ["z"], attrs: { axis: 1 } },
    ],
  });
  return { graph, feeds: [x] };
}

describe("kmodel v4 writer", () => {
  it("a chained two-layer KPU program parses, keeps nncase's alignment and runs like the lowered program", () => {
    const { graph, feeds } = twoConvGraph();
    const { program, kpuLayers } = lowerForK210(graph, [feeds], OPS);
    expect(kpuLayers).toEqual(["c1", "c2"]);
    const written = writeKmodel(program);
    const model = parseV4(written.bytes);
    expect(model.fileSize).toBe(written.bytes.length);
    expect(model.target).toBe(1);
    // c2 reads c1's map in KPU RAM: one upload only; c1's map also goes to main memory for the
    // concat, dequantised right after c1 (its uint8 copy dies there, as nncase orders it). The concat
    // is done in place (kmodel/in-place-concat.ts): that dequantize and the relu write into z.
    expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "dequantize", "kpu_conv2d", "dequantize", "binary"]);
    const [c1, c2] = model.nodes.filter((n) => n.name === "kpu_conv2d").map((n) => n.body.kpu!.layer.args);
    expect(c2!.imageSrcAddr).toBe(c1!.imageDstAddr);
    expectKpuLayersAsCompiled(model, program);
    // The KPU part is bit-identical; dequantisation divides by 1/scale (nncase's convention), so
    // allow float32 rounding on top.
    const got = runFloat(model, feeds)[0]!;
    const want = runGraph(program, feeds)[0]!.toNumbers();
    const { worst, range } = compare(got, want);
    expect(worst).toBeLessThanOrEqual(1e-5 * range);
    // And the float program within the quantisation bound of k210-target.test.ts (8 % of the range).
    const reference = compare(got, runGraph(graph, feeds)[0]!.toNumbers());
    expect(reference.worst).toBeLessThanOrEqual(0.08 * reference.range);
  });

  it("a constant Pad becomes nncase's pad and runs like the program", () => {
    const graph = buildGraph({
      name: "pad",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 3, 4] }],
      outputs: ["y"],
      constants: new Map(),
      nodes: [{ name: "p", op: "Pad", inputs: ["x"], outputs: ["y"], attrs: { pads: [0, 0, 1, 0, 0, 1, 0, 2], mode: "constant", value: 0.5 } }],
    });
    const model = parseV4(writeKmodel(graph).bytes);
    expect(model.nodes.map((n) => n.name)).toEqual(["pad"]);
    const x = randomTensor([1, 2, 3, 4], 5);
    const got = runFloat(model, [x])[0]!;
    const want = runGraph(graph, [x])[0]!;
    expect(want.shape).toEqual([1, 3, 4, 6]);
    expect(Array.from(got)).toEqual(Array.from(want.toNumbers()));
  });

  it("an op without a v4 counterpart: writeKmodel fails naming it (the backend's error: k210-kmodel-coverage.test.ts)", () => {
    const graph = buildGraph({
      name: "tanh",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 4] }],
      outputs: ["y"],
      constants: new Map(),
      nodes: [{ name: "t", op: "Tanh", inputs: ["x"], outputs: ["y"], attrs: {} }],
    });
    const err = errorOf(() => writeKmodel(graph));
    expect(err).toBeInstanceOf(EgretError);
    expect(err.message).toMatch(/node t \(Tanh\) has no kmodel v4 counterpart/);
  });
});

describe("kmodel v4 writer on the real models (../shared/models/kmodel/source)", () => {
  const useShared = sharedFor("k210 kmodel writer tests");

  it("iris.tflite: the kmodel gives the nncase example's printed output", (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/kmodel/source/iris.tflite"));
    const result = compile(graph, { target: "k210" });
    const bytes = result.binaryFiles.get("model.kmodel")!;
    const model = parseV4(bytes);
    expect(model.nodes.map((n) => n.name)).toEqual(["matmul", "matmul"]);
    const input = Tensor.fromNumbers("float32", [1, 4], [5.1, 3.8, 1.9, 0.4]);
    const got = runFloat(model, [input])[0]!;
    // nncase's kpu_iris_example prints 16.077795, 5.607656, -2.071745 (models/kmodel/README.md).
    [16.077795, 5.607656, -2.071745].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    const want = runGraph(graph, [input])[0]!.toNumbers();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it("ulffd_landmark.tflite: the kmodel parses with every KPU layer as compiled, and runs like the float program", async (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/kmodel/source/ulffd_landmark.tflite"));
    // Each stage below takes tens of seconds on a loaded machine: the worker talks to vitest between them.
    await letWorkerTalk();
    const { program } = lowerK210(extractForK210(graph), seededRandomInputs(graph, 1, 7));
    await letWorkerTalk();
    const written = writeKmodel(program);
    const model = parseV4(written.bytes);
    // All 43 convs on the KPU, as nncase's own file (stride-2 depthwise: stride 1 + strided_slice).
    expect(written.summary.kpuLayers).toBe(43);
    expect(model.nodes.filter((n) => n.name === "strided_slice").length).toBeGreaterThan(0);
    expectKpuLayersAsCompiled(model, program);
    const inputs = seededRandomInputs(graph, 1, 99)[0]!;
    // Every op the writer emits for this model (float conv2d, softmax, strided_slice, …) executes.
    const outputs = runFloat(model, inputs);
    await letWorkerTalk();
    expect(outputs.length).toBe(graph.outputs.length);
    // The kmodel computes what the lowered program computes: KPU layers bit-exact, nncase-style float
    // CPU kernels within float32 rounding (which can move a later KPU input by one level, hence 1 %).
    const lowered = runGraph(program, inputs);
    await letWorkerTalk();
    const reference = runGraph(graph, inputs);
    outputs.forEach((got, i) => {
      const same = compare(got, lowered[i]!.toNumbers());
      const { worst, range } = compare(got, reference[i]!.toNumbers());
      console.log(`ulffd kmodel output ${i}: range ${range.toFixed(4)} max |err| vs float ${worst.toFixed(4)}, vs lowered program ${same.worst}`);
      expect(same.worst).toBeLessThanOrEqual(0.01 * same.range);
      // The float program within the bound of k210-target.test.ts (10 % of the range, see there).
      expect(worst).toBeLessThanOrEqual(0.1 * range);
    });
  });
});
