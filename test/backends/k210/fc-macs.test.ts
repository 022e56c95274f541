/**
 * The compile summary's "MACs on the KPU" (backends/k210/report.ts): an FC on the KPU runs as a 1×1
 * layer on its input padded to 4×4 (fc-expand.ts) but does the FC's K·N multiply-adds, not the
 * 16·K·N of the padded map; a conv layer counts its whole map.
 */
import { describe, expect, it } from "vitest";
import { seededRandomInputs } from "../../../backends/k210/calibrate.js";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { buildGraph, compile, type Graph } from "../../../src/index.js";
import { randomTensor } from "../../support/graphs.js";

/** x [1, 64] → Gemm 64 → 128 → Relu → Gemm 128 → 10 (the first pays on the KPU, k210-fc.test.ts). */
function mlp(): Graph {
  return buildGraph({
    name: "mlp",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 64] }],
    outputs: ["y"],
    constants: new Map([
      ["w1", randomTensor([64, 128], 11, -0.125, 0.125)],
      ["b1", randomTensor([128], 12, -0.1, 0.1)],
      ["w2", randomTensor([128, 10], 13, -0.09, 0.09)],
      ["b2", randomTensor([10], 14, -0.1, 0.1)],
    ]),
    nodes: [
      { name: "fc1", op: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h0"], attrs: {} },
      { name: "relu", op: "Relu", inputs: ["h0"], outputs: ["h"], attrs: {} },
      { name: "fc2", op: "Gemm", inputs: ["h", "w2", "b2"], outputs: ["y"], attrs: {} },
    ],
  });
}

describe("k210 compile summary: MACs of an FC on the KPU", () => {
  it("64 → 128 on the KPU counts 64·128, the CPU Gemm 128 → 10 its 1280", () => {
    const graph = mlp();
    const result = compile(graph, { target: "k210", calibration: seededRandomInputs(graph, 2, 5) });
    const ops = expandKpuChains(result.graph).nodes.map((n) => n.op);
    expect(ops).toEqual(["Reshape", "Pad", "KpuConv2D", "Slice", "Reshape", "Gemm"]);
    const report = result.summary.targetReport!;
    expect(report["kpuLayers"]).toBe(1);
    expect(report["kpuMacs"]).toBe(64 * 128);
    expect(report["totalMacs"]).toBe(64 * 128 + 128 * 10);
    expect(report["kpuMacsPercent"]).toBe(86.5);
  });
});
