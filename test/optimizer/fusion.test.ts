import { describe, expect, it } from "vitest";
import { buildGraph, compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { optimizeGraph } from "../../src/optimizer/optimize.js";
import { shippedRules } from "../../src/rules/load.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { HOST_OPTIMIZE, VOCABULARY } from "../support/toolchain.js";

const rules = shippedRules(VOCABULARY);

function convBnRelu(constantScale: boolean): Graph {
  const c = 2;
  const m = 3;
  const constants = new Map<string, Tensor>([
    ["w", randomTensor([m, c, 3, 3], 1)],
    ["b", randomTensor([m], 2)],
    ["mean", randomTensor([m], 3)],
    ["var", randomTensor([m], 4, 0.5, 2)],
    ["beta", randomTensor([m], 5)],
  ]);
  if (constantScale) constants.set("scale", randomTensor([m], 6));
  return buildGraph({
    name: "conv_bn_relu",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, c, 6, 6] }, ...(constantScale ? [] : [{ name: "scale", dtype: "float32" as const, dims: [m] }])],
    outputs: ["y"],
    constants,
    nodes: [
      { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "bn", op: "BatchNormalization", inputs: ["c", "scale", "beta", "mean", "var"], outputs: ["n"], attrs: { epsilon: 1e-3 } },
      { name: "relu", op: "Relu", inputs: ["n"], outputs: ["y"], attrs: {} },
    ],
  });
}

describe("fusion rules on small graphs", () => {
  it("Conv+BatchNorm+Relu becomes one Conv with a fused activation, one kernel call, same outputs in C", () => {
    const graph = convBnRelu(true);
    const { graph: optimized, report } = optimizeGraph(graph, { ...HOST_OPTIMIZE, rules });
    expect(optimized.nodes.map((n) => n.op)).toEqual(["Conv"]);
    expect(optimized.nodes[0]!.attrs["activation"]).toBe("Relu");
    expect(report.hits["conv-batchnorm"]).toBeGreaterThan(0);
    expect(report.hits["conv-relu"]).toBeGreaterThan(0);
    const x = randomTensor([1, 2, 6, 6], 9);
    const [expected] = runGraph(graph, [x]);
    const [interp] = runGraph(optimized, [x]);
    expect(compareClose(interp!, expected!).ok).toBe(true);
    expect(compile(graph).summary.kernelCalls).toBe(1);
    expect(compile(graph, { optimize: false }).summary.kernelCalls).toBe(3);
    const [c] = compileAndRun(graph, [x]);
    expect(compareClose(c!, expected!).ok).toBe(true);
  });

  it("does not fold BatchNorm whose scale is computed at run time (negative case)", () => {
    const graph = convBnRelu(false);
    const { graph: optimized, report } = optimizeGraph(graph, { ...HOST_OPTIMIZE, rules });
    expect(report.hits["conv-batchnorm"]).toBeUndefined();
    expect(optimized.nodes.map((n) => n.op)).toContain("BatchNormalization");
  });

  function mulGraph(value: number): Graph {
    return buildGraph({
      name: "mul",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [2, 3] }],
      outputs: ["z"],
      constants: new Map([["c", Tensor.fromNumbers("float32", [3], [value, value, value])]]),
      nodes: [
        { name: "m", op: "Mul", inputs: ["x", "c"], outputs: ["y"], attrs: {} },
        { name: "id", op: "Identity", inputs: ["y"], outputs: ["y2"], attrs: {} },
        { name: "r", op: "Relu", inputs: ["y2"], outputs: ["z"], attrs: {} },
      ],
    });
  }

  it("removes x*1 and Identity, keeps x*2 (positive and negative cases)", () => {
    expect(optimizeGraph(mulGraph(1), { ...HOST_OPTIMIZE, rules }).graph.nodes.map((n) => n.op)).toEqual(["Relu"]);
    const kept = optimizeGraph(mulGraph(2), { ...HOST_OPTIMIZE, rules });
    expect(kept.graph.nodes.map((n) => n.op)).toEqual(["Mul", "Relu"]);
    const x = randomTensor([2, 3], 3);
    expect(compareClose(runGraph(kept.graph, [x])[0]!, runGraph(mulGraph(2), [x])[0]!).ok).toBe(true);
  });

  it("turns MatMul + Add into Gemm, and keeps a broadcasting Add that changes the shape", () => {
    const make = (biasShape: number[]) =>
      buildGraph({
        name: "mm",
        opset: 17,
        inputs: [{ name: "a", dtype: "float32", dims: [2, 4] }],
        outputs: ["y"],
        constants: new Map([
          ["b", randomTensor([4, 3], 1)],
          ["c", randomTensor(biasShape, 2)],
        ]),
        nodes: [
          { name: "mm", op: "MatMul", inputs: ["a", "b"], outputs: ["p"], attrs: {} },
          { name: "add", op: "Add", inputs: ["p", "c"], outputs: ["y"], attrs: {} },
        ],
      });
    const fused = make([3]);
    const out = optimizeGraph(fused, { ...HOST_OPTIMIZE, rules }).graph;
    expect(out.nodes.map((n) => n.op)).toEqual(["Gemm"]);
    const a = randomTensor([2, 4], 5);
    expect(compareClose(runGraph(out, [a])[0]!, runGraph(fused, [a])[0]!).ok).toBe(true);
    expect(optimizeGraph(make([2, 2, 3]), { ...HOST_OPTIMIZE, rules }).graph.nodes.map((n) => n.op)).toEqual(["MatMul", "Add"]);
  });

  it("reports the saturation run in the compile summary", () => {
    const s = compile(convBnRelu(true), { reportBaseline: true }).summary.optimizer!;
    expect(s.stopReason).toBe("saturated");
    expect(s.kernelCallsBefore).toBe(3);
    expect(s.kernelCallsAfter).toBe(1);
  });
});
