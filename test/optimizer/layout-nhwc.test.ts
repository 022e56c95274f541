import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { optimizeGraph } from "../../src/optimizer/optimize.js";
import { importKeras, kerasReady } from "../../src/importers/keras/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { shippedRules } from "../../src/rules/load.js";
import { compareClose } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { chain, expectSameOutputs, feedsFor, optimize, opsOf, runC } from "../rules/support.js";
import { HOST_OPTIMIZE, VOCABULARY } from "../support/toolchain.js";

/**
 * rules/layout.rules' NHWC section: a Conv/MaxPool/AveragePool between the importers'
 * NHWC->NCHW and NCHW->NHWC transposes is also the NHWC op on the NHWC tensor; extraction keeps
 * the layout that needs fewer transposes (kernel calls), and the outputs do not change.
 */

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const NHWC_RULES = new Set(["conv-to-nhwc", "maxpool-to-nhwc", "averagepool-to-nhwc"]);

/** Kernel calls of a graph compiled as is. */
function kernelCalls(graph: Graph): number {
  return compile(graph, { optimize: false }).summary.kernelCalls;
}

function withoutNhwcRules(graph: Graph): Graph {
  return optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: shippedRules(VOCABULARY).filter((r) => !NHWC_RULES.has(r.name)) }).graph;
}

function layouts(graph: Graph, op: string): string[] {
  return graph.nodes.filter((n) => n.op === op).map((n) => String(n.attrs["layout"] ?? "NCHW"));
}

/** The generated C of the optimized graph matches the interpreter on the original graph. */
function expectCMatches(original: Graph, feeds: readonly Tensor[]): void {
  const want = runGraph(original, feeds);
  runC(original, feeds, true).forEach((got, i) => {
    const cmp = compareClose(got, want[i]!);
    expect(cmp.ok, `output ${i}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
  });
}

/** Transpose(NHWC->NCHW), `op`, Transpose(NCHW->NHWC): how the TF/Keras importers wrap a window op. */
function wrapped(input: string, k: number, op: string, inputs: readonly string[], attrs: Record<string, number | number[] | string>) {
  return [
    { op: "Transpose", inputs: [input], output: `in${k}`, attrs: { perm: TO_NCHW } },
    { op, inputs: [`in${k}`, ...inputs], output: `op${k}`, attrs },
    { op: "Transpose", inputs: [`op${k}`], output: `out${k}`, attrs: { perm: TO_NHWC } },
  ];
}

describe("Conv/Pool in either layout (small graphs)", () => {
  it("a wrapped grouped, dilated, strided Conv with a fused Relu becomes one NHWC Conv (no transposes); C matches", () => {
    const graph = chain([1, 9, 8, 4], { w: randomTensor([6, 2, 3, 2], 1), b: randomTensor([6], 2) }, [
      ...wrapped("x", 1, "Conv", ["w", "b"], { group: 2, dilations: [2, 1], strides: [1, 2], pads: [1, 0, 2, 1] }),
      { op: "Relu", inputs: ["out1"], output: "y" },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["conv-to-nhwc"]).toBeGreaterThan(0);
    expect(opsOf(out)).toEqual(["Conv"]);
    expect(out.nodes[0]!.attrs).toMatchObject({ layout: "NHWC", activation: "Relu", group: 2 });
    // The OHWI weight is a folded constant: [M, kH, kW, C/group].
    expect(out.values.get(out.nodes[0]!.inputs[1]!)!.shape).toEqual([6, 3, 2, 2]);
    expect(kernelCalls(out)).toBe(1);
    expect(kernelCalls(withoutNhwcRules(graph))).toBe(3);
    expectSameOutputs(graph, out);
    expectCMatches(graph, feedsFor(graph));
  });

  it("an importer-style two-layer block (Conv, bias, BatchNorm, Relu, MaxPool, AveragePool) runs all NHWC: 6 -> 4 kernel calls", () => {
    const c = 3;
    const bn = { s: randomTensor([c], 10, 0.5, 1.5), t: randomTensor([c], 11), m: randomTensor([c], 12), v: randomTensor([c], 13, 0.5, 2) };
    const graph = chain([1, 10, 9, 2], { w1: randomTensor([c, 2, 3, 3], 1), w2: randomTensor([c, 1, 3, 3], 2), bias: randomTensor([c], 3), ...bn }, [
      ...wrapped("x", 1, "Conv", ["w1"], { pads: [1, 1, 1, 1] }),
      { op: "Add", inputs: ["out1", "bias"], output: "biased" },
      ...wrapped("biased", 2, "BatchNormalization", ["s", "t", "m", "v"], { epsilon: 1e-3 }),
      { op: "Relu", inputs: ["out2"], output: "r" },
      ...wrapped("r", 3, "MaxPool", [], { kernel_shape: [2, 2], strides: [2, 2] }),
      ...wrapped("out3", 4, "Conv", ["w2"], { group: c, pads: [1, 1, 1, 1], activation: "Relu" }),
      ...wrapped("out4", 5, "AveragePool", [], { kernel_shape: [3, 2], pads: [1, 0, 1, 1], strides: [1, 2] }),
    ]);
    const out = optimize(graph).graph;
    expect(opsOf(out)).not.toContain("Transpose");
    expect(layouts(out, "Conv")).toEqual(["NHWC", "NHWC"]);
    expect(layouts(out, "MaxPool")).toEqual(["NHWC"]);
    expect(layouts(out, "AveragePool")).toEqual(["NHWC"]);
    // Without the NHWC rules the boundary transposes stay: 2 Conv + 2 pools + 2 Transpose.
    const nchwOnly = withoutNhwcRules(graph);
    expect(opsOf(nchwOnly).filter((op) => op === "Transpose")).toHaveLength(2);
    expect(kernelCalls(nchwOnly)).toBe(6);
    expect(kernelCalls(out)).toBe(4);
    expectSameOutputs(graph, out);
    expectCMatches(graph, feedsFor(graph));
  });

  it("keeps the NCHW Conv when its result is used in NCHW (no NCHW->NHWC transpose after it)", () => {
    const graph = chain([1, 6, 6, 2], { w: randomTensor([3, 2, 3, 3], 4) }, [
      { op: "Transpose", inputs: ["x"], output: "a", attrs: { perm: TO_NCHW } },
      { op: "Conv", inputs: ["a", "w"], output: "y", attrs: { pads: [1, 1, 1, 1] } },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["conv-to-nhwc"]).toBeUndefined();
    expect(opsOf(out)).toEqual(["Transpose", "Conv"]);
    expect(layouts(out, "Conv")).toEqual(["NCHW"]);
    expectSameOutputs(graph, out);
  });

  it("does not convert a Conv whose weight is computed at run time (the OHWI weight could not be folded)", () => {
    const graph = chain([1, 5, 5, 2], {}, [
      { op: "Transpose", inputs: ["x"], output: "a", attrs: { perm: TO_NCHW } },
      { op: "Slice", inputs: ["a"], output: "w", attrs: { starts: [0, 0, 0, 0], ends: [1, 2, 3, 3], axes: [0, 1, 2, 3] } },
      { op: "Conv", inputs: ["a", "w"], output: "c" },
      { op: "Transpose", inputs: ["c"], output: "y", attrs: { perm: TO_NHWC } },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["conv-to-nhwc"]).toBeUndefined();
    expect(layouts(out, "Conv")).toEqual(["NCHW"]);
    expectSameOutputs(graph, out);
  });

  it("folds a TensorFlow-style Pad of W only into the NHWC Conv's W pads (never into H)", () => {
    // Pad on the NHWC tensor, only along W: [0,0,1,0] begins, [0,0,2,0] ends. An NCHW reading of
    // these pads would pad H: the NHWC rule must put them on W.
    const graph = chain([1, 5, 6, 2], { w: randomTensor([3, 2, 3, 3], 5), b: randomTensor([3], 6) }, [
      { op: "Pad", inputs: ["x"], output: "p", attrs: { pads: [0, 0, 1, 0, 0, 0, 2, 0] } },
      ...wrapped("p", 1, "Conv", ["w", "b"], { pads: [1, 0, 1, 0] }),
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["conv-nhwc-pad"]).toBeGreaterThan(0);
    expect(report.hits["conv-pad"]).toBeUndefined();
    expect(opsOf(out)).toEqual(["Conv"]);
    expect(out.nodes[0]!.attrs["pads"]).toEqual([1, 1, 1, 2]);
    expectSameOutputs(graph, out);
  });

  it("folds a -inf Pad into an NHWC MaxPool and keeps a Pad of the channels", () => {
    const pool = { kernel_shape: [3, 3], strides: [2, 2] };
    const spatial = chain([1, 7, 6, 3], {}, [
      { op: "Pad", inputs: ["x"], output: "p", attrs: { pads: [0, 1, 1, 0, 0, 1, 0, 0], value: -Infinity } },
      ...wrapped("p", 1, "MaxPool", [], pool),
    ]);
    const { graph: out, report } = optimize(spatial);
    expect(report.hits["maxpool-nhwc-pad"]).toBeGreaterThan(0);
    expect(opsOf(out)).toEqual(["MaxPool"]);
    expectSameOutputs(spatial, out);

    const channels = chain([1, 7, 6, 3], {}, [{ op: "Pad", inputs: ["x"], output: "p", attrs: { pads: [0, 0, 0, 1, 0, 0, 0, 1] } }, ...wrapped("p", 1, "MaxPool", [], pool)]);
    const kept = optimize(channels);
    expect(kept.report.hits["maxpool-nhwc-pad"]).toBeUndefined();
    expect(opsOf(kept.graph)).toContain("Pad");
    expectSameOutputs(channels, kept.graph);
  });
});

describe("Conv/Pool in either layout on the TensorFlow and Keras corpus", () => {
  const useShared = sharedFor("NHWC layout rules on ../shared/models (kws-cnn-k210, mnist-cnn, pretrainedResnet.h5)");
  beforeAll(() => kerasReady());

  // name, loader, input shape, kernel calls: imported, optimized without the NHWC rules, with them
  // (the generic kernels: the host's kernel rules off), with them and the host's blocked float kernels
  const models: readonly [string, (dir: string) => Graph, number[], number, number, number, number][] = [
    ["kws-cnn-k210/mod.pb", (dir) => importTfGraphDef(readFileSync(join(dir, "tf/kws-cnn-k210/mod.pb")), "mod.pb", { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) }), [1, 128, 64, 1], 48, 11, 11, 11],
    ["mnist-cnn/mnist.pb", (dir) => importTfGraphDef(readFileSync(join(dir, "tf/mnist-cnn/mnist.pb")), "mnist.pb", { inputShapes: new Map([["inputs", [1, 28, 28, 1]]]) }), [1, 28, 28, 1], 22, 7, 7, 7],
    [
      "pretrainedResnet.h5",
      (dir) => importKeras(readFileSync(join(dir, "tflite/mlperf-tiny/ic/pretrainedResnet.h5")), "pretrainedResnet.h5", { inputShapes: new Map([["input_1", [1, 32, 32, 3]]]) }),
      [1, 32, 32, 3],
      64,
      19,
      18,
      19,
    ],
  ];
  for (const [name, load, shape, imported, nchwOnly, withNhwc, withKernels] of models) {
    const x = Tensor.fromNumbers("float32", shape, randomTensor(shape, 5, 0, 1).toNumbers());
    it(`${name}: kernel calls ${imported} -> ${nchwOnly} (NCHW only) -> ${withNhwc} (either layout), same outputs (interpreter and C)`, async (ctx) => {
      const shared = useShared(ctx);
      const graph = load(join(shared, "models"));
      await turn();
      const optimized = compile(graph, { targetRules: false });
      const calls = optimized.summary.kernelCalls;
      await turn();
      const baseline = kernelCalls(withoutNhwcRules(graph));
      const convs = layouts(optimized.graph, "Conv");
      console.log(`${name}: kernel calls ${kernelCalls(graph)} -> ${baseline} (NCHW only) -> ${calls} (either layout); Conv layouts ${convs.join(",")}`);
      expect(kernelCalls(graph)).toBe(imported);
      expect(baseline).toBe(nchwOnly);
      expect(calls).toBe(withNhwc);
      expect(opsOf(optimized.graph)).not.toContain("Transpose");
      await turn();
      expectSameOutputs(graph, optimized.graph, [x]);
      await turn();
      expectCMatches(graph, [x]);
    });

    // With the host's blocked float kernels every Conv runs on one (NHWC ones on Conv2DGemmNHWC),
    // and no transpose is added except where the NCHW kernels pay for one of the graph input:
    // pretrainedResnet.h5 keeps NHWC -> NCHW of its 32x32x3 image (3072 floats), so that its 3x3
    // stride-1 layers run on the NCHW Winograd kernel, which has no NHWC twin. Measured on the host
    // (-O2, fastest of 500 interleaved calls): 640 us for that program, 734 us with Conv2DGemm in
    // place of Winograd, and about 1.3x the Winograd program's time for the all-NHWC
    // Conv2DGemmNHWC program. A 1-channel input (kws-cnn, mnist) moves to NCHW as a Reshape.
    it(`${name}: ${withKernels} kernel calls on the host's blocked float kernels, ${withKernels - withNhwc} transposes (of the graph input), same outputs`, async (ctx) => {
      const shared = useShared(ctx);
      const graph = load(join(shared, "models"));
      await turn();
      const blocked = compile(graph);
      const ops = opsOf(blocked.graph);
      console.log(`${name}: blocked kernels: ${blocked.summary.kernelCalls} kernel calls, ${ops.filter((op) => op.startsWith("Conv")).join(",")}`);
      expect(blocked.summary.kernelCalls).toBe(withKernels);
      expect(ops).not.toContain("Conv");
      expect(ops.filter((op) => op.startsWith("Conv")).length).toBe(layouts(graph, "Conv").length);
      const transposes = blocked.graph.nodes.filter((n) => n.op === "Transpose");
      expect(transposes).toHaveLength(withKernels - withNhwc);
      for (const t of transposes) expect(graph.inputs.map((i) => i.name)).toContain(t.inputs[0]);
      await turn();
      expectSameOutputs(graph, blocked.graph, [x]);
    });
  }
});

/** One turn of the event loop between long synchronous steps, so that vitest's RPC replies are read. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
