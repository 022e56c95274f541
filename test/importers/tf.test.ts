import { describe, expect, it } from "vitest";
import { importModelBytes, runGraph, Tensor, type Graph } from "../../src/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { compileAndRun } from "../support/c-run.js";
import { constFloat, constInt, graphDef, ints, op, placeholder, seeded, str, type NodeJson } from "./tf-graphdef.js";
import { conv2dNhwc, expectClose } from "./tf-reference.js";
import { errorOf } from "../support/errors.js";

function importNodes(nodes: NodeJson[], options = {}): Graph {
  return importTfGraphDef(graphDef(nodes), "test.pb", options);
}

/** Interpreter and generated C on the same input; returns the interpreter's output 0. */
function runBoth(graph: Graph, input: Tensor): number[] {
  const interp = runGraph(graph, [input])[0]!.toArray();
  const c = compileAndRun(graph, [input])[0]!.toArray();
  expectClose(c, interp, 1e-5);
  return interp;
}


describe("TensorFlow GraphDef importer", () => {
  it("imports Conv2D SAME stride 2 + BiasAdd + Relu6 with TensorFlow's end-heavy padding", () => {
    const x = seeded(1 * 5 * 6 * 2, 1).map((v) => 4 * v);
    const w = seeded(3 * 3 * 2 * 3, 2);
    const b = [0.5, -0.25, 1];
    const graph = importNodes([
      placeholder("x", [1, 5, 6, 2]),
      constFloat("w", [3, 3, 2, 3], w),
      { name: "w/read", op: "Identity", input: ["w"] },
      constFloat("b", [3], b, false),
      op("Conv2D", "conv", ["x", "w/read"], { strides: ints([1, 2, 2, 1]), padding: str("SAME"), data_format: str("NHWC") }),
      op("BiasAdd", "bias", ["conv", "b"]),
      op("Relu6", "out", ["bias"]),
    ]);
    const conv = graph.nodes.find((n) => n.op === "Conv")!;
    // 5 rows, k3, s2: total padding 2 -> 1 + 1; 6 cols: total 1 -> 0 before, 1 after.
    expect(conv.attrs["pads"]).toEqual([1, 0, 1, 1]);
    expect(conv.attrs["auto_pad"]).toBeUndefined();
    const ref = conv2dNhwc({ x, xShape: [1, 5, 6, 2], w, wShape: [3, 3, 2, 3], stride: [2, 2], padding: "SAME" });
    const expected = ref.data.map((v, i) => Math.min(6, Math.max(0, v + b[i % 3]!)));
    expect(graph.outputs[0]!.shape).toEqual(ref.shape);
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [1, 5, 6, 2], x)), expected);
  });

  it("imports DepthwiseConv2dNative with a channel multiplier", () => {
    const x = seeded(1 * 6 * 5 * 3, 3);
    const w = seeded(3 * 2 * 3 * 2, 4);
    const graph = importNodes([
      placeholder("x", [1, 6, 5, 3]),
      constFloat("w", [3, 2, 3, 2], w),
      op("DepthwiseConv2dNative", "dw", ["x", "w"], { strides: ints([1, 1, 2, 1]), padding: str("VALID") }),
    ]);
    const ref = conv2dNhwc({ x, xShape: [1, 6, 5, 3], w, wShape: [3, 2, 3, 2], stride: [1, 2], padding: "VALID", depthwise: true });
    expect(graph.outputs[0]!.shape).toEqual(ref.shape);
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [1, 6, 5, 3], x)), ref.data);
  });

  it("folds the Keras Flatten chain (Shape, StridedSlice, Prod, Pack) and maps MatMul transpose_b", () => {
    const x = seeded(2 * 2 * 3, 5);
    const w = seeded(4 * 6, 6);
    const graph = importNodes([
      placeholder("x", [-1, 2, 3]),
      { name: "flatten/Shape", op: "Shape", input: ["x"], attr: { T: { type: 1 }, out_type: { type: 3 } } },
      constInt("ss/begin", [1], [1]),
      constInt("ss/end", [1], [0]),
      constInt("ss/strides", [1], [1]),
      { name: "flatten/strided_slice", op: "StridedSlice", input: ["flatten/Shape", "ss/begin", "ss/end", "ss/strides"], attr: { T: { type: 3 }, Index: { type: 3 }, begin_mask: { i: 0 }, end_mask: { i: 1 }, shrink_axis_mask: { i: 0 } } },
      constInt("flatten/Const", [1], [0]),
      { name: "flatten/Prod", op: "Prod", input: ["flatten/strided_slice", "flatten/Const"], attr: { T: { type: 3 }, keep_dims: { b: false } } },
      constInt("flatten/stack/0", [], [-1]),
      { name: "flatten/stack", op: "Pack", input: ["flatten/stack/0", "flatten/Prod"], attr: { T: { type: 3 }, N: { i: 2 }, axis: { i: 0 } } },
      { name: "flatten/Reshape", op: "Reshape", input: ["x", "flatten/stack"], attr: { T: { type: 1 }, Tshape: { type: 3 } } },
      constFloat("w", [4, 6], w),
      op("MatMul", "mm", ["flatten/Reshape", "w"], { transpose_b: { b: true } }),
      op("Softmax", "prob", ["mm"]),
    ], { inputShapes: new Map([["x", [2, 2, 3]]]) });
    expect(graph.nodes.map((n) => n.op)).toEqual(["Reshape", "MatMul", "Softmax"]);
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      const logits = [0, 1, 2, 3].map((o) => [0, 1, 2, 3, 4, 5].reduce((acc, k) => acc + x[b * 6 + k]! * w[o * 6 + k]!, 0));
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - m));
      const s = e.reduce((a, v) => a + v, 0);
      expected.push(...e.map((v) => v / s));
    }
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [2, 2, 3], x)), expected);
  });

  it("maps FusedBatchNormV3 through name:0 references, drops ^control inputs and dead nodes", () => {
    const x = seeded(1 * 2 * 2 * 2, 7);
    const [scale, offset, mean, variance] = [[2, 0.5], [0.1, -0.2], [0.3, -0.4], [1.5, 0.25]];
    const graph = importNodes([
      placeholder("x", [1, 2, 2, 2]),
      { name: "init", op: "NoOp" },
      constFloat("scale", [2], scale!),
      constFloat("offset", [2], offset!),
      constFloat("mean", [2], mean!),
      constFloat("var", [2], variance!),
      op("FusedBatchNormV3", "bn", ["x:0", "scale", "offset", "mean", "var", "^init"], { epsilon: { f: 0.001 }, is_training: { b: false }, data_format: str("NHWC") }),
      op("Relu", "out", ["bn:0"]),
      op("UnknownTrainingOp", "dead", ["x"]),
    ], { tfOutputs: ["out"] });
    const expected = x.map((v, i) => {
      const c = i % 2;
      return Math.max(0, ((v - mean![c]!) / Math.sqrt(variance![c]! + 0.001)) * scale![c]! + offset![c]!);
    });
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [1, 2, 2, 2], x)), expected);
  });

  it("FusedBatchNorm exported in training mode (empty moving statistics) normalises with the batch statistics and warns", () => {
    const x = seeded(2 * 3 * 2 * 2, 9).map((v) => 3 * v + 1);
    const warnings: string[] = [];
    const graph = importTfGraphDef(graphDef([
      placeholder("x", [2, 3, 2, 2]),
      constFloat("scale", [2], [1.5, 0.5]),
      constFloat("offset", [2], [0.25, -1]),
      constFloat("mean", [0], []),
      constFloat("var", [0], []),
      op("FusedBatchNormV3", "bn", ["x", "scale", "offset", "mean", "var"], { epsilon: { f: 0.001 }, is_training: { b: true } }),
    ]), "train.pb", { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/WARNING: the model was exported in training mode.*"bn"/)]);
    // NHWC: channel c holds every other value; statistics over N, H and W.
    const expected = x.map((v, i) => {
      const c = i % 2;
      const own = x.filter((_, j) => j % 2 === c);
      const m = own.reduce((a, b) => a + b, 0) / own.length;
      const variance = own.reduce((a, b) => a + (b - m) ** 2, 0) / own.length;
      return ((v - m) / Math.sqrt(variance + 0.001)) * [1.5, 0.5][c]! + [0.25, -1][c]!;
    });
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [2, 3, 2, 2], x)), expected);
  });

  it("pools with SAME padding: MaxPool ignores and AvgPool does not count padded cells", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const pool = (kind: string) =>
      importNodes([placeholder("x", [1, 3, 3, 1]), op(kind, "p", ["x"], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: str("SAME") })]);
    const input = Tensor.fromNumbers("float32", [1, 3, 3, 1], x);
    expect(runBoth(pool("MaxPool"), input)).toEqual([5, 6, 8, 9]);
    expectClose(runBoth(pool("AvgPool"), input), [3, 4.5, 7.5, 9]);
  });

  it("imports Pad, ConcatV2, Mean, Squeeze and a scalar-broadcast Const", () => {
    const graph = importNodes([
      placeholder("x", [1, 2, 2, 1]),
      constFloat("fill", [1, 2, 2, 1], [0.5], false),
      constInt("axis", [], [3]),
      op("ConcatV2", "cat", ["x", "fill", "axis"], { N: { i: 2 } }),
      constInt("paddings", [4, 2], [0, 0, 1, 0, 0, 1, 0, 0]),
      op("Pad", "pad", ["cat", "paddings"]),
      constInt("axes", [2], [1, 2]),
      op("Mean", "mean", ["pad", "axes"], { keep_dims: { b: true } }),
      op("Squeeze", "sq", ["mean"], { squeeze_dims: ints([1, 2]) }),
    ]);
    expect(graph.outputs[0]!.shape).toEqual([1, 2]);
    // Padded to 3x3 with zeros: channel 0 sums 1+2+3+4 = 10, channel 1 sums 4 * 0.5 = 2.
    expectClose(runBoth(graph, Tensor.fromNumbers("float32", [1, 2, 2, 1], [1, 2, 3, 4])), [10 / 9, 2 / 9]);
  });

  it("cuts the graph at --inputs / --outputs and keeps the output's TensorFlow name", () => {
    const nodes = [
      placeholder("x", [1, 4]),
      op("Relu", "a", ["x"]),
      op("Sigmoid", "b", ["a"]),
      op("Tanh", "c", ["b"]),
    ];
    const graph = importNodes(nodes, { tfInputs: ["a"], tfOutputs: ["b"], inputShapes: new Map([["a", [1, 4]]]) });
    expect(graph.inputs.map((i) => i.name)).toEqual(["a"]);
    expect(graph.outputs.map((o) => o.name)).toEqual(["b"]);
    expect(graph.nodes.map((n) => n.op)).toEqual(["Sigmoid"]);
  });

  it("reports unknown ops, unknown batch sizes, bad option names and corrupt files as EgretErrors", () => {
    const unknown = errorOf(() => importNodes([placeholder("x", [1, 4]), op("Erfinv", "weird", ["x"])]));
    expect(unknown.code).toBe("unsupported-op");
    expect(unknown.message).toContain('node "weird" (Erfinv)');

    const batch = errorOf(() => importNodes([placeholder("x", [-1, 4]), op("Relu", "r", ["x"])]));
    expect(batch.code).toBe("dynamic-shape");
    expect(batch.message).toContain("--input-shape x=1x4");

    const option = errorOf(() => importNodes([placeholder("x", [1, 4]), op("Relu", "r", ["x"])], { tfOutputs: ["nope"] }));
    expect(option.code).toBe("bad-option");

    const missing = errorOf(() => importNodes([op("Relu", "r", ["ghost"])]));
    expect(missing.code).toBe("missing-tensor");

    const bytes = graphDef([placeholder("x", [1, 4]), op("Relu", "r", ["x"])]);
    const corrupt = errorOf(() => importTfGraphDef(bytes.subarray(0, bytes.length - 3), "cut.pb"));
    expect(corrupt.code).toBe("parse");
  });

  it("is chosen by content through importModelBytes", () => {
    const graph = importModelBytes(graphDef([placeholder("x", [1, 3]), op("Relu", "r", ["x"]), op("Sigmoid", "s", ["r"])]), "model.bin");
    expect(graph.nodes.map((n) => n.op)).toEqual(["Relu", "Sigmoid"]);
  });
});
