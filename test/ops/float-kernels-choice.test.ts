import { describe, expect, it } from "vitest";
import { buildGraph, compileGraph, type Graph } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";

/**
 * Which targets take the blocked float kernels: rules/targets/float-kernels.rules is a target
 * rule file (host and cortex-m*), so the generic Conv/Gemm stay when the target's rules are off
 * (the baseline `egret bench` measures) and for targets that do not list it.
 */
function convGemmGraph(): Graph {
  return buildGraph({
    name: "choice",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16, 16, 16] }],
    outputs: ["y"],
    constants: new Map([
      ["w", randomTensor([32, 16, 3, 3], 1)],
      ["b", randomTensor([32], 2)],
      ["fw", randomTensor([64, 32 * 16 * 16], 3)],
      ["fb", randomTensor([64], 4)],
    ]),
    nodes: [
      { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "flat", op: "Flatten", inputs: ["c"], outputs: ["f"], attrs: { axis: 1 } },
      { name: "fc", op: "Gemm", inputs: ["f", "fw", "fb"], outputs: ["y"], attrs: { transB: 1 } },
    ],
  });
}

const BLOCKED = ["Conv2DGemm", "Conv2DWinograd", "Conv2DDepthwise", "MatMulPacked"];
const macOps = (program: Graph): string[] => program.nodes.map((n) => n.op).filter((op) => op === "Conv" || op === "Gemm" || op === "MatMul" || BLOCKED.includes(op));

describe("blocked float kernels are chosen by the targets that list their rules", () => {
  for (const target of ["host", "cortex-m4", "cortex-m7"]) {
    it(`${target}: the conv and the FC layer run on blocked kernels; without target rules on the generic ones`, () => {
      const graph = convGemmGraph();
      const blocked = macOps(compileGraph(graph, { target }).graph);
      expect(blocked).toHaveLength(2);
      expect(blocked.every((op) => BLOCKED.includes(op)), blocked.join(", ")).toBe(true);
      expect(macOps(compileGraph(graph, { target, targetRules: false }).graph)).toEqual(["Conv", "Gemm"]);
    });
  }
});
