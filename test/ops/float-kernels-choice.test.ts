import { describe, expect, it } from "vitest";
import { buildGraph, compile, type Graph } from "../../src/index.js";
import type { Node, ValueInfo } from "../../src/ir/graph.js";
import { randomTensor } from "../support/graphs.js";
import { costModelOf, OPS } from "../support/toolchain.js";

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

/** One turn of the event loop: compiles are synchronous, and vitest's RPC replies must be read between them. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const BLOCKED = ["Conv2DGemm", "Conv2DGemmNHWC", "Conv2DWinograd", "Conv2DDepthwise", "MatMulPacked"];
const macOps = (program: Graph): string[] => program.nodes.map((n) => n.op).filter((op) => op === "Conv" || op === "Gemm" || op === "MatMul" || BLOCKED.includes(op));

describe("blocked float kernels are chosen by the targets that list their rules", () => {
  // cortex-m7 and cortex-m0plus list the same rule file and use the same cost model as cortex-m4.
  for (const target of ["host", "cortex-m4"]) {
    it(`${target}: the conv and the FC layer run on blocked kernels; without target rules on the generic ones`, async () => {
      const graph = convGemmGraph();
      await turn();
      const blocked = macOps(compile(graph, { target }).graph);
      expect(blocked).toHaveLength(2);
      expect(blocked.every((op) => BLOCKED.includes(op)), blocked.join(", ")).toBe(true);
      await turn();
      expect(macOps(compile(graph, { target, targetRules: false }).graph)).toEqual(["Conv", "Gemm"]);
    });
  }
});

/**
 * The cortex-m4 prices of Winograd against the implicit GEMM, as measured under QEMU
 * (bench:cortex-m-float): with few input channels Winograd's transforms and its short GEMMs'
 * outputs cost more than the MACs it saves (IC ResNet-8's 3 -> 16 first layer: 2.23 M
 * instructions as Winograd, 1.09 M as Conv2DGemm); with 64 channels it is the faster one.
 */
describe("cortex-m4 prices Winograd where it pays", () => {
  const cycles = (op: string, c: number, m: number, hw: number): number => {
    const node: Node = { name: op, op, inputs: ["x", "w", "b"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1] } };
    const inputs: ValueInfo[] = [
      { dtype: "float32", shape: [1, c, hw, hw] },
      { dtype: "float32", shape: op === "Conv2DWinograd" ? [16, m, c] : [m, c, 3, 3] }, // Winograd's weight is transformed
      { dtype: "float32", shape: [m] },
    ];
    return costModelOf("cortex-m4").nodeCost(node, inputs, [{ dtype: "float32", shape: [1, m, hw, hw] }], OPS)["cycles"] ?? 0;
  };

  it("3 -> 16 channels on 32x32: the GEMM; 64 -> 64 on 8x8: Winograd", () => {
    // Within 10% of the instructions measured for these layers (2.23 M and 2.31 M).
    expect(Math.abs(cycles("Conv2DWinograd", 64, 64, 8) / 2_306_320 - 1)).toBeLessThan(0.1);
    expect(Math.abs(cycles("Conv2DWinograd", 3, 16, 32) / 2_228_800 - 1)).toBeLessThan(0.1);
    expect(cycles("Conv2DGemm", 3, 16, 32)).toBeLessThan(cycles("Conv2DWinograd", 3, 16, 32));
    expect(cycles("Conv2DWinograd", 64, 64, 8)).toBeLessThan(cycles("Conv2DGemm", 64, 64, 8));
  });
});

/** An NHWC Conv as the layout rules leave it between the TensorFlow/Keras importers' transposes. */
function nhwcConvGraph(): Graph {
  return buildGraph({
    name: "nhwc_choice",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16, 16, 8] }],
    outputs: ["y"],
    constants: new Map([
      ["w", randomTensor([16, 8, 3, 3], 1)],
      ["b", randomTensor([16], 2)],
    ]),
    nodes: [
      { name: "in", op: "Transpose", inputs: ["x"], outputs: ["t"], attrs: { perm: [0, 3, 1, 2] } },
      { name: "conv", op: "Conv", inputs: ["t", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1], strides: [2, 2], activation: "Relu" } },
      { name: "out", op: "Transpose", inputs: ["c"], outputs: ["y"], attrs: { perm: [0, 2, 3, 1] } },
    ],
  });
}

describe("the layout rules' NHWC Conv runs on the blocked NHWC kernel", () => {
  for (const target of ["host", "cortex-m4"]) {
    it(`${target}: one Conv2DGemmNHWC with the fused Relu, no transposes; without target rules the generic NHWC Conv`, async () => {
      const graph = nhwcConvGraph();
      await turn();
      const program = compile(graph, { target }).graph;
      expect(program.nodes.map((n) => n.op)).toEqual(["Conv2DGemmNHWC"]);
      expect(program.nodes[0]!.attrs).toMatchObject({ layout: "NHWC", activation: "Relu" });
      await turn();
      const generic = compile(graph, { target, targetRules: false }).graph;
      expect(generic.nodes.map((n) => n.op)).toEqual(["Conv"]);
      expect(generic.nodes[0]!.attrs).toMatchObject({ layout: "NHWC" });
    });
  }
});
