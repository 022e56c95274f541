import { describe, expect, it } from "vitest";
import { buildGraph, optimizeModel, quantizeModel, runGraph, Tensor, toolchain, type Graph } from "../../src/index.js";
import { calibrationFrom } from "../../src/cli/quantize-options.js";
import { calibrate } from "../../src/quantize/calibrate.js";
import { evaluateQuantized, formatEvalReport } from "../../src/quantize/evaluate.js";
import { LayerComparison } from "../../src/quantize/layer-compare.js";
import { argmax } from "../../src/quantize/metrics.js";
import { sqnrDb } from "../../src/quantize/metrics.js";
import { quantizeProgram, type PtqOptions } from "../../src/quantize/ptq.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { OPS } from "../support/toolchain.js";

/** Seeded uniform values in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + ((hi - lo) * s) / 2147483648;
  });
}

/**
 * x [1,3,8,8] -> Conv 3x3 SAME (+Relu, fused by the optimizer) -> Exp (no integer kernel) ->
 * depthwise Conv -> GlobalAveragePool -> Flatten -> Gemm -> Softmax.
 */
function smallNet(): Graph {
  const t = (shape: number[], seed: number, scale = 0.5) => Tensor.fromNumbers("float32", shape, uniform(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale));
  return buildGraph({
    name: "small",
    opset: 13,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 8, 8] }],
    outputs: ["probs"],
    constants: new Map([
      ["w1", t([4, 3, 3, 3], 1)],
      ["b1", t([4], 2, 0.1)],
      ["w2", t([4, 1, 3, 3], 3)],
      ["wf", t([5, 4], 4)],
      ["bf", t([5], 5, 0.1)],
    ]),
    nodes: [
      { name: "conv1", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["c1"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "relu1", op: "Relu", inputs: ["c1"], outputs: ["r1"], attrs: {} },
      { name: "exp", op: "Exp", inputs: ["r1"], outputs: ["e1"], attrs: {} },
      { name: "dw", op: "Conv", inputs: ["e1", "w2"], outputs: ["c2"], attrs: { group: 4, strides: [2, 2], auto_pad: "SAME_UPPER" } },
      { name: "gap", op: "GlobalAveragePool", inputs: ["c2"], outputs: ["g"], attrs: {} },
      { name: "flat", op: "Flatten", inputs: ["g"], outputs: ["f"], attrs: {} },
      { name: "fc", op: "Gemm", inputs: ["f", "wf", "bf"], outputs: ["logits"], attrs: { transB: 1 } },
      { name: "softmax", op: "Softmax", inputs: ["logits"], outputs: ["probs"], attrs: { axis: -1 } },
    ],
  });
}

const samples = (count: number, seed: number) => Array.from({ length: count }, (_, i) => [Tensor.fromNumbers("float32", [1, 3, 8, 8], uniform(192, seed + i))]);
const OPTIONS: PtqOptions = { ops: OPS, dtype: "int8", method: "minmax", perChannel: true };

/** Output SQNR of the quantized program against the float graph over `evalSet`. */
function outputSqnr(floatGraph: Graph, quantized: Graph, evalSet: readonly Tensor[][]): number {
  const f: number[] = [];
  const q: number[] = [];
  for (const s of evalSet) {
    f.push(...runGraph(floatGraph, s)[0]!.toNumbers());
    q.push(...runGraph(quantized, s)[0]!.toNumbers());
  }
  return sqnrDb(f, q);
}

describe("quantizer: float graph -> integer ops", () => {
  const graph = smallNet();
  const program = optimizeModel(graph);
  const calib = samples(8, 100);
  const evalSet = samples(6, 900);

  it("lowers Conv, depthwise Conv, pooling, Gemm and Softmax; Exp stays float between QDequantize and QQuantize", () => {
    const q = quantizeProgram(program, calib, OPTIONS);
    expect(q.fallbacks.map((f) => [f.op, f.reason])).toEqual([["Exp", "Exp has no integer kernel"]]);
    const ops = q.graph.nodes.map((n) => n.op);
    for (const op of ["QQuantize", "QConv2D", "QDequantize", "Exp", "QDepthwiseConv2D", "QAveragePool2D", "QFullyConnected", "QSoftmax"]) expect(ops).toContain(op);
    const exp = q.graph.nodes.find((n) => n.op === "Exp")!;
    expect(q.graph.nodes.find((n) => n.outputs.includes(exp.inputs[0]!))!.op).toBe("QDequantize");
    expect(q.graph.nodes.filter((n) => n.inputs.includes(exp.outputs[0]!)).map((n) => n.op)).toEqual(["QQuantize"]);
    expect(q.graph.outputs).toEqual(graph.outputs);
    expect(outputSqnr(graph, q.graph, evalSet)).toBeGreaterThan(20);
  });

  it("the generated C (ASan + UBSan) equals the integer evaluator bit for bit (int8 and int16)", () => {
    for (const dtype of ["int8", "int16"] as const) {
      const q = quantizeProgram(program, calib, { ...OPTIONS, dtype });
      const x = evalSet[0]!;
      expect(compileAndRun(q.graph, x, { cflags: SANITIZE_CFLAGS })[0]!.bytes()).toEqual(runGraph(q.graph, x)[0]!.bytes());
    }
  });

  it("int16 activations track the float model more closely than int8", () => {
    const int8 = quantizeProgram(program, calib, OPTIONS);
    const int16 = quantizeProgram(program, calib, { ...OPTIONS, dtype: "int16" });
    expect(int16.graph.nodes.some((n) => n.op === "QConv2D" && int16.graph.values.get(n.outputs[0]!)!.dtype === "int16")).toBe(true);
    // Softmax has only an int8 kernel: int16 is requantized to int8 before it.
    expect(int16.graph.nodes.some((n) => n.op === "QRequantize")).toBe(true);
    // Compared before the softmax (its output is int8, 1/256 steps, either way), on the
    // calibration inputs: on new inputs, values beyond the calibrated ranges clip in both
    // dtypes alike, which would hide the resolution this test is about.
    const logits = (q: typeof int8) => {
      const layers = new LayerComparison(program, q.graph, q.copies, OPS, q.floors);
      for (const s of calib) layers.add(s);
      return layers.results().find((l) => l.tensor === program.nodes.find((n) => n.op === "Softmax")!.inputs[0])!.sqnrDb;
    };
    expect(logits(int16)).toBeGreaterThan(logits(int8) + 6);
  });

  it("uint8 runs the int8 kernels (same program as int8)", () => {
    const int8 = quantizeProgram(program, calib, OPTIONS);
    const uint8 = quantizeProgram(program, calib, { ...OPTIONS, dtype: "uint8" });
    expect(uint8.graph.nodes).toEqual(int8.graph.nodes);
  });

  it("per-tensor weights are an option", () => {
    const q = quantizeProgram(program, calib, { ...OPTIONS, perChannel: false });
    const conv = q.graph.nodes.find((n) => n.op === "QConv2D")!;
    expect(conv.attrs["w_scale"]).toHaveLength(1);
    const perChannel = quantizeProgram(program, calib, OPTIONS).graph.nodes.find((n) => n.op === "QConv2D")!;
    expect(perChannel.attrs["w_scale"]).toHaveLength(4);
  });
});

describe("quantizer: Add + Relu as TFLite's converter fuses it", () => {
  it("a residual Add read only by a Relu writes the Relu's tensor (its range, clamped at 0); the C equals the evaluator", () => {
    const t = (shape: number[], seed: number, scale = 0.5) => Tensor.fromNumbers("float32", shape, uniform(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale));
    const graph = buildGraph({
      name: "residual",
      opset: 13,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 4, 8, 8] }],
      outputs: ["out"],
      constants: new Map([["w", t([4, 4, 3, 3], 7)], ["b", t([4], 8, 0.1)]]),
      nodes: [
        { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
        { name: "add", op: "Add", inputs: ["c", "x"], outputs: ["s"], attrs: {} },
        { name: "relu", op: "Relu", inputs: ["s"], outputs: ["y"], attrs: {} },
        { name: "gap", op: "GlobalAveragePool", inputs: ["y"], outputs: ["out"], attrs: {} },
      ],
    });
    const calib = Array.from({ length: 6 }, (_, i) => [Tensor.fromNumbers("float32", [1, 4, 8, 8], uniform(256, 300 + i))]);
    const q = quantizeProgram(optimizeModel(graph), calib, OPTIONS);
    const add = q.graph.nodes.find((n) => n.op === "QAdd")!;
    const relu = q.copies.get("y")![0]!;
    expect(add.outputs[0]).toBe(relu.name);
    expect(add.attrs["act_min"]).toBe(relu.params.zeroPoint);
    expect(add.attrs["y_scale"]).toBe(relu.params.scale);
    expect(q.graph.nodes.some((n) => n.op === "QRequantize")).toBe(false);
    expect(q.copies.has("s")).toBe(false);
    const x = calib[0]!;
    expect(compileAndRun(q.graph, x)[0]!.bytes()).toEqual(runGraph(q.graph, x)[0]!.bytes());
  });
});

describe("egret eval's report", () => {
  it("per-layer SQNR and cosine by float tensor name, output agreement, top-1 agreement and accuracy", () => {
    const graph = smallNet();
    const program = optimizeModel(graph);
    const q = quantizeProgram(program, samples(8, 100), OPTIONS);
    const evalSet = samples(6, 900);
    const floatTop = evalSet.map((s) => argmax(runGraph(graph, s)[0]!.toNumbers()));
    // Labels: the float model's answers, except one flipped, so float accuracy is exactly 5/6.
    const labels = floatTop.map((t, i) => (i === 0 ? (t + 1) % 5 : t));
    const r = evaluateQuantized(q, evalSet, { labels });
    // The graph input's QQuantize first, then the layers in execution order.
    expect(r.layers.map((l) => l.tensor)).toEqual(["x", ...program.nodes.map((n) => n.outputs[0]).filter((t) => q.copies.has(t!))]);
    expect(r.layers[0]!.sqnrDb).toBeGreaterThan(40);
    const first = r.layers[1]!;
    expect(first.sqnrDb).toBeGreaterThan(20);
    expect(first.cosine).toBeGreaterThan(0.99);
    expect(r.accuracy!.float).toBeCloseTo(5 / 6, 12);
    const quantTop = evalSet.map((s) => argmax(runGraph(q.graph, s)[0]!.toNumbers()));
    expect(r.outputs[0]!.kind).toBe("classes");
    expect(r.outputs[0]!.top1Agreement).toBe(quantTop.filter((t, i) => t === floatTop[i]).length / 6);
    expect(r.outputs[0]!.sqnrDb).toBeCloseTo(outputSqnr(program, q.graph, evalSet), 9);
    expect(r.floatFallbacks.map((f) => f.op)).toEqual(["Exp"]);
    const text = formatEvalReport(r);
    expect(text).toMatch(/output probs \(classes: labels were given\): .*top-1 agreement with float \d+\.\d\d%/);
    // The layer that loses most SQNR from its inputs is marked, and named at the end.
    expect(r.largestDrop).toBeDefined();
    expect(text).toContain(`${r.largestDrop!.tensor}   <- largest drop`);
    expect(text).toMatch(/largest drop: /);
    expect(text).toMatch(/float: .* \(Exp\): Exp has no integer kernel/);
  });
});

describe("quantizer: errors and the no-calibration fallback", () => {
  const graph = smallNet();

  it("no samples, wrong shape, wrong dtype and --calib without --quantize give clear errors", () => {
    expect(errorOf(() => calibrate(graph, [], { ops: OPS, histograms: false })).message).toMatch(/no calibration samples/);
    expect(errorOf(() => calibrate(graph, [[Tensor.fromNumbers("float32", [1, 3, 4, 4], new Array(48).fill(0))]], { ops: OPS, histograms: false })).message).toMatch(/input "x".*float32\[1x3x8x8\].*float32\[1x3x4x4\]/);
    expect(errorOf(() => calibrate(graph, [[new Tensor("uint8", [1, 3, 8, 8])]], { ops: OPS, histograms: false })).message).toMatch(/input "x".*uint8/);
    expect(errorOf(() => calibrationFrom(graph, { calib: "data.npy", calibMethod: "minmax" }, toolchain.target("host"))).message).toMatch(/--calib.*needs --quantize/);
  });

  it("without --calib: a warning returned as data and seeded random inputs (deterministic)", () => {
    const a = quantizeModel(graph, { quantize: { dtype: "int8", method: "minmax" } });
    const b = quantizeModel(graph, { quantize: { dtype: "int8", method: "minmax" } });
    expect(a.diagnostics.map((d) => `${d.severity}: ${d.source}`)).toContain("warning: --quantize without --calib");
    expect(a.result.graph.nodes).toEqual(b.result.graph.nodes);
    expect(a.result.graph.nodes.some((n) => n.op === "QConv2D")).toBe(true);
  });
});
