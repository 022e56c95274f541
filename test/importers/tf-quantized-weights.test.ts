import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { constFloat, graphDef, ints, op, placeholder, seeded, shape, str, type NodeJson } from "./tf-graphdef.js";

/**
 * TensorFlow 1 `quantize_weights` graphs: weights as DT_QUINT8 / DT_QINT8 constants with min/max
 * ranges into Dequantize. The test builds the float graph and its quantized twin (weights
 * quantized here, MIN_FIRST like the graph transform, or SCALED per channel), compiles both, and
 * checks the quantized graph against the float one within the quantisation step.
 */

const DT_QINT8 = 11;
const DT_QUINT8 = 12;

function constQuantized(name: string, dtype: number, dims: readonly number[], values: readonly number[]): NodeJson {
  const bytes = dtype === DT_QUINT8 ? Uint8Array.from(values) : new Uint8Array(Int8Array.from(values).buffer);
  return { name, op: "Const", attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensor_shape: shape(dims), tensor_content: bytes } } } };
}

/** A conv (3x3, 4 -> 6 channels, SAME) + bias + Relu over an NHWC input: the float graph. */
const X_SHAPE = [1, 6, 6, 4];
const W_SHAPE = [3, 3, 4, 6];
const W = seeded(3 * 3 * 4 * 6, 41).map((v) => 0.6 * v);
const BIAS = seeded(6, 42).map((v) => 0.1 * v);

function convGraph(weights: NodeJson[], weightName: string): Graph {
  return importTfGraphDef(graphDef([
    placeholder("x", X_SHAPE),
    ...weights,
    constFloat("b", [6], BIAS),
    op("Conv2D", "conv", ["x", weightName], { strides: ints([1, 1, 1, 1]), padding: str("SAME") }),
    op("BiasAdd", "bias", ["conv", "b"]),
    op("Relu", "out", ["bias"]),
  ]), "model.pb");
}

/** |y_q - y_f| <= sum over the 3x3x4 window of |x| * step/2, at most 36 * max|x| * step / 2. */
function expectWithinStep(quantized: number[], float: number[], x: number[], step: number): void {
  const bound = 3 * 3 * 4 * Math.max(...x.map(Math.abs)) * (step / 2) + 1e-5;
  let worst = 0;
  quantized.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - float[i]!))));
  expect(worst).toBeLessThanOrEqual(bound);
  expect(worst).toBeGreaterThan(0); // the weights really were quantized
}

describe("TensorFlow quantized weights (Dequantize of quantized constants)", () => {
  const x = seeded(6 * 6 * 4, 43);
  const input = Tensor.fromNumbers("float32", X_SHAPE, x);
  const floatGraph = convGraph([constFloat("w", W_SHAPE, W)], "w");
  const floatOut = compileAndRun(floatGraph, [input])[0]!.toArray();

  it("MIN_FIRST over DT_QUINT8 (TF1 quantize_weights) folds to float weights; the C matches the float graph within the step", () => {
    const min = Math.min(...W);
    const max = Math.max(...W);
    const step = (max - min) / 255;
    const q = W.map((v) => Math.round((v - min) / step));
    const graph = convGraph([
      constQuantized("w_quint8", DT_QUINT8, W_SHAPE, q),
      constFloat("w_min", [], [min]),
      constFloat("w_max", [], [max]),
      { name: "w", op: "Dequantize", input: ["w_quint8", "w_min", "w_max"], attr: { T: { type: DT_QUINT8 }, mode: str("MIN_FIRST") } },
    ], "w");
    expect(graph.nodes.map((n) => n.op)).not.toContain("Dequantize");
    const folded = [...graph.constants.values()].find((t) => t.dtype === "float32" && t.size === W.length)!;
    // Folded weights lie within half a step of the originals (the layout may differ: compare sorted).
    const sorted = (a: ArrayLike<number>) => Array.from(a).sort((u, v) => u - v);
    sorted(folded.toNumbers()).forEach((v, i) => expect(Math.abs(v - sorted(W)[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6));
    const c = compileAndRun(graph, [input])[0]!;
    expect(compareClose(c, runGraph(graph, [input])[0]!).ok).toBe(true);
    expectWithinStep(c.toArray(), floatOut, x, step);
  });

  it("SCALED per output channel over DT_QINT8 (axis 3, narrow range)", () => {
    const maxAbs = [0, 1, 2, 3, 4, 5].map((c) => Math.max(...W.filter((_, i) => i % 6 === c).map(Math.abs)));
    const scales = maxAbs.map((m) => m / 127);
    const q = W.map((v, i) => Math.round(v / scales[i % 6]!));
    const graph = convGraph([
      constQuantized("w_qint8", DT_QINT8, W_SHAPE, q),
      constFloat("w_min", [6], maxAbs.map((m) => -m)),
      constFloat("w_max", [6], maxAbs),
      { name: "w", op: "Dequantize", input: ["w_qint8", "w_min", "w_max"], attr: { T: { type: DT_QINT8 }, mode: str("SCALED"), narrow_range: { b: true }, axis: { i: 3 } } },
    ], "w");
    expectWithinStep(compileAndRun(graph, [input])[0]!.toArray(), floatOut, x, Math.max(...scales));
  });

  it("refuses a Dequantize of a run-time tensor and ranges of the wrong length, naming the node", () => {
    const runtime = errorOf(() => importTfGraphDef(graphDef([
      { name: "q", op: "Placeholder", attr: { dtype: { type: DT_QUINT8 }, shape: { shape: shape([4]) } } },
      constFloat("lo", [], [0]),
      constFloat("hi", [], [1]),
      { name: "dq", op: "Dequantize", input: ["q", "lo", "hi"], attr: { T: { type: DT_QUINT8 } } },
    ]), "model.pb"));
    expect(runtime.message).toMatch(/node "dq" \(Dequantize\).*run-time tensor/);
    const ranges = errorOf(() => importTfGraphDef(graphDef([
      placeholder("x", [4]),
      constQuantized("w", DT_QUINT8, [4], [1, 2, 3, 4]),
      constFloat("lo", [2], [0, 0]),
      constFloat("hi", [], [1]),
      { name: "dq", op: "Dequantize", input: ["w", "lo", "hi"], attr: { T: { type: DT_QUINT8 } } },
      op("Add", "out", ["x", "dq"]),
    ]), "model.pb"));
    expect(ranges.message).toMatch(/node "dq" \(Dequantize\): min_range and max_range hold 2 and 1 values; without axis they must be scalars/);
  });
});
