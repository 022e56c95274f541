import { describe, expect, it } from "vitest";
import { buildGraph, compileGraph, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { randomInts, rng } from "../ops/quant-support.js";
import { optimize, opsOf, runC } from "../rules/support.js";

/**
 * The e-graph rules on quantized graphs: a separate clamp (TFLite RELU / RELU6 imported as an
 * identity QRequantize) folds into the producing Q op's act_min/act_max (rules/fusion.rules,
 * q*-clamp), Reshape stays a buffer alias on int8 tensors, and everything stays bit-exact: the
 * optimized graph against the original in the evaluator, and the optimized generated C against
 * the original graph's evaluator.
 */

interface QStep {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

function int8Graph(shape: number[], constants: Record<string, Tensor>, steps: readonly QStep[]): Graph {
  return buildGraph({
    name: "quant_rules",
    opset: 17,
    inputs: [{ name: "x", dtype: "int8", dims: shape }],
    outputs: [steps[steps.length - 1]!.output],
    constants: new Map(Object.entries(constants)),
    nodes: steps.map((s, i) => ({ name: `n${i}_${s.op.toLowerCase()}`, op: s.op, inputs: [...s.inputs], outputs: [s.output], attrs: { ...s.attrs } })),
  });
}

const r = rng(77);
const CONSTANTS = {
  w: randomInts("int8", [3, 3, 3, 2], r, -127, 127),
  b: randomInts("int32", [3], r),
  fw: randomInts("int8", [4, 27], r, -127, 127),
  fb: randomInts("int32", [4], r),
};
const CONV_Q = { x_scale: 0.05, x_zero_point: 3, w_scale: [0.02, 0.03, 0.01], y_scale: 0.09, y_zero_point: -7 };
const FULL = { act_min: -128, act_max: 127 };
/** TFLite RELU on the conv's output: equal parameters, clamp at the zero point. */
const RELU = { x_scale: 0.09, x_zero_point: -7, y_scale: 0.09, y_zero_point: -7, act_min: -7, act_max: 127 };
const FC_Q = { x_scale: 0.09, x_zero_point: -7, w_scale: [0.01], y_scale: 0.2, y_zero_point: 5 };
/** RELU6 at scale 0.2, zero point 5: [5, 5 + 30]. */
const RELU6 = { x_scale: 0.2, x_zero_point: 5, y_scale: 0.2, y_zero_point: 5, act_min: 5, act_max: 35 };

function convReluFc(relu: Record<string, AttrValue>): Graph {
  return int8Graph([1, 5, 5, 2], CONSTANTS, [
    { op: "QConv2D", inputs: ["x", "w", "b"], output: "c", attrs: { ...CONV_Q, ...FULL } },
    { op: "QRequantize", inputs: ["c"], output: "r", attrs: relu },
    { op: "Reshape", inputs: ["r"], output: "flat", attrs: { shape: [1, -1] } },
    { op: "Reshape", inputs: ["flat"], output: "rows", attrs: { shape: [1, 27] } },
    { op: "QFullyConnected", inputs: ["rows", "fw", "fb"], output: "f", attrs: { ...FC_Q, ...FULL } },
    { op: "QRequantize", inputs: ["f"], output: "y", attrs: RELU6 },
  ]);
}

const feeds = (g: Graph) => [randomInts("int8", g.inputs[0]!.shape, rng(5))];
const numbers = (t: Tensor) => Array.from(t.toNumbers());

describe("quantized clamps fold into the Q op's activation range", () => {
  it("conv + RELU and fully connected + RELU6 become two kernel calls, bit-exact in the evaluator and in C", () => {
    const graph = convReluFc(RELU);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["qconv-clamp"]).toBeGreaterThan(0);
    expect(report.hits["qfc-clamp"]).toBeGreaterThan(0);
    expect(opsOf(out).filter((op) => op !== "Reshape")).toEqual(["QConv2D", "QFullyConnected"]);
    const conv = out.nodes.find((n) => n.op === "QConv2D")!;
    expect([conv.attrs["act_min"], conv.attrs["act_max"]]).toEqual([-7, 127]);
    const fc = out.nodes.find((n) => n.op === "QFullyConnected")!;
    expect([fc.attrs["act_min"], fc.attrs["act_max"]]).toEqual([5, 35]);

    const x = feeds(graph);
    const want = runGraph(graph, x)[0]!;
    // The clamps must matter on this input, or the test would not show the fold is exact.
    const unclamped = runGraph(convReluFc({ ...RELU, act_min: -128 }), x)[0]!;
    expect(numbers(want)).not.toEqual(numbers(unclamped));
    expect(numbers(runGraph(out, x)[0]!)).toEqual(numbers(want));
    expect(numbers(runC(graph, x, true)[0]!)).toEqual(numbers(want));
    // Reshapes alias their input's buffer: only the two Q kernels are called.
    expect(compileGraph(graph).summary.kernelCalls).toBe(2);
  });

  it("keeps a QRequantize that changes the scale or the zero point", () => {
    for (const change of [{ y_scale: 0.1 }, { y_zero_point: -6, act_min: -6 }]) {
      const graph = convReluFc({ ...RELU, ...change });
      const { graph: out, report } = optimize(graph);
      expect(report.hits["qconv-clamp"] ?? 0, JSON.stringify(change)).toBe(0);
      expect(opsOf(out).filter((op) => op === "QRequantize")).toHaveLength(1);
      const x = feeds(graph);
      expect(numbers(runGraph(out, x)[0]!)).toEqual(numbers(runGraph(graph, x)[0]!));
    }
  });

  it("keeps the clamp when the Q op already has a fused activation", () => {
    const graph = int8Graph([1, 5, 5, 2], CONSTANTS, [
      { op: "QConv2D", inputs: ["x", "w", "b"], output: "c", attrs: { ...CONV_Q, act_min: -7, act_max: 20 } },
      { op: "QRequantize", inputs: ["c"], output: "y", attrs: { ...RELU, act_min: 0, act_max: 127 } },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["qconv-clamp"] ?? 0).toBe(0);
    expect(opsOf(out)).toEqual(["QConv2D", "QRequantize"]);
  });

  it("drops a requantize that is the identity", () => {
    const graph = int8Graph([2, 6], {}, [
      { op: "QRequantize", inputs: ["x"], output: "a", attrs: { x_scale: 0.1, x_zero_point: 2, y_scale: 0.1, y_zero_point: 2, ...FULL } },
      { op: "QLeakyRelu", inputs: ["a"], output: "y", attrs: { alpha: 0.25, x_scale: 0.1, x_zero_point: 2, y_scale: 0.08, y_zero_point: -3 } },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["qrequantize-identity"]).toBeGreaterThan(0);
    expect(opsOf(out)).toEqual(["QLeakyRelu"]);
    const x = feeds(graph);
    expect(numbers(runGraph(out, x)[0]!)).toEqual(numbers(runGraph(graph, x)[0]!));
  });
});
