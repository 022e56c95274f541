import { describe, expect, it } from "vitest";
import { collapse, programCost, sramPeak, type CostModel } from "../../costmodels/index.js";
import { buildGraph, compile, EgretError, Tensor, toolchain, type Node, type ValueInfo } from "../../src/index.js";
import { byteSize, planStorage, scratchBytesOf } from "../../src/schedule/storage.js";
import { costModelOf, OPS } from "../support/toolchain.js";

/** The cost models of the registered targets (one per model name). */
const MODELS: readonly CostModel[] = [...new Map(toolchain.targets.map((t) => [t.costModel.name, t.costModel])).values()];
const getOp = (name: string) => OPS.get(name);
const getCostModel = costModelOf;
/**
 * Models whose convolutions run on a CPU: cycles follow the MACs and an activation is extra work.
 * On the K210's KPU a layer has a fixed set-up cost and the activation table is free hardware.
 */
const CPU_MODELS = MODELS.filter((m) => m.name !== "k210-kpu");

/** A node with its output types inferred by the registry (inputs given as types). */
function typed(op: string, inputs: readonly ValueInfo[], attrs: Node["attrs"] = {}): { node: Node; inputs: ValueInfo[]; outputs: ValueInfo[] } {
  const node: Node = { name: `${op.toLowerCase()}_0`, op, inputs: inputs.map((_, i) => `in${i}`), outputs: ["out0"], attrs };
  const outputs = getOp(op)!.infer(node, inputs);
  return { node, inputs: [...inputs], outputs };
}

const f32 = (...shape: number[]): ValueInfo => ({ dtype: "float32", shape });

function cost(model: CostModel, t: ReturnType<typeof typed>): number {
  return collapse(model, model.nodeCost(t.node, t.inputs, t.outputs, OPS));
}

describe("cost model registry and weights", () => {
  it("each target brings its cost model: host, cortex-m4 (and its variants') and k210-kpu", () => {
    expect(MODELS.map((m) => m.name)).toEqual(expect.arrayContaining(["host", "cortex-m4", "k210-kpu"]));
    expect(getCostModel("host").name).toBe("host");
    expect(getCostModel("k210").name).toBe("k210-kpu");
    expect(getCostModel("cortex-m4").name).toBe("cortex-m4");
  });

  it("rejects an unknown target name with a bad-option EgretError listing the choices", () => {
    let error: unknown;
    try {
      getCostModel("cortex-m99");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EgretError);
    expect((error as EgretError).code).toBe("bad-option");
    expect((error as EgretError).message).toContain("cortex-m99");
    expect((error as EgretError).message).toContain("host, k210");
  });

  it("collapse is the weighted sum of the factors, ignoring factors the model does not weigh", () => {
    for (const model of MODELS) {
      const w = model.weights;
      const v = { cycles: 1000, bytesMoved: 64, kernelCalls: 3, codeBytes: 40, someOtherFactor: 1e9 };
      const want = 1000 * (w["cycles"] ?? 0) + 64 * (w["bytesMoved"] ?? 0) + 3 * (w["kernelCalls"] ?? 0) + 40 * (w["codeBytes"] ?? 0);
      expect(collapse(model, v)).toBeCloseTo(want, 9);
      expect(collapse(model, {})).toBe(0);
      expect(w["cycles"]).toBeGreaterThan(0);
    }
  });

  it("cycles dominate: doubling cycles weighs more than doubling the other factors of a conv", () => {
    const conv = typed("Conv", [f32(1, 8, 16, 16), f32(8, 8, 3, 3)], { pads: [1, 1, 1, 1] });
    for (const model of MODELS) {
      const v = model.nodeCost(conv.node, conv.inputs, conv.outputs, OPS);
      const cyclesPart = v["cycles"]! * model.weights["cycles"]!;
      expect(cyclesPart).toBeGreaterThan(collapse(model, v) - cyclesPart);
    }
  });
});

describe("node costs", () => {
  it("alias ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity) cost 0 in every factor", () => {
    const x = f32(1, 4, 1, 6);
    const aliases = [
      typed("Reshape", [x], { shape: [4, 6] }),
      typed("Flatten", [x], { axis: 1 }),
      typed("Squeeze", [x], { axes: [2] }),
      typed("Unsqueeze", [x], { axes: [0] }),
      typed("Identity", [x]),
    ];
    for (const model of MODELS) {
      for (const a of aliases) {
        expect(getOp(a.node.op)!.alias, a.node.op).toBe(true);
        const v = model.nodeCost(a.node, a.inputs, a.outputs, OPS);
        for (const [factor, value] of Object.entries(v)) expect(value, `${model.name} ${a.node.op} ${factor}`).toBe(0);
      }
    }
  });

  it("a node without inputs (Constant, a constant leaf) is a folded weight and costs 0", () => {
    const node: Node = { name: "k", op: "Constant", inputs: [], outputs: ["k"], attrs: { value: Tensor.fromNumbers("float32", [8], new Array<number>(8).fill(1)) } };
    for (const model of MODELS) expect(collapse(model, model.nodeCost(node, [], [f32(8)], OPS))).toBe(0);
  });

  it("a real kernel is one kernel call with positive cycles, bytes and code", () => {
    const relu = typed("Relu", [f32(1, 4, 1, 6)]);
    for (const model of MODELS) {
      const v = model.nodeCost(relu.node, relu.inputs, relu.outputs, OPS);
      expect(v["kernelCalls"]).toBe(1);
      expect(v["bytesMoved"]).toBe(2 * 24 * 4);
      expect(v["cycles"]).toBeGreaterThan(0);
      expect(v["codeBytes"]).toBeGreaterThan(0);
    }
  });

  it("conv cycles grow with its MACs (registry OpDef.macs)", () => {
    const convs = [4, 8, 16, 32].map((c) => typed("Conv", [f32(1, c, 16, 16), f32(c, c, 3, 3)], { pads: [1, 1, 1, 1] }));
    const macs = convs.map((t) => getOp("Conv")!.macs!(t.node, t.inputs, t.outputs));
    expect(macs).toEqual([4, 8, 16, 32].map((c) => c * c * 9 * 256));
    for (const model of CPU_MODELS) {
      const cycles = convs.map((t) => model.nodeCost(t.node, t.inputs, t.outputs, OPS)["cycles"]!);
      for (let i = 1; i < cycles.length; i++) expect(cycles[i]!, `${model.name}: ${macs[i]} vs ${macs[i - 1]} MACs`).toBeGreaterThan(cycles[i - 1]!);
      // MAC-driven: 4x the channels is ~16x the MACs and, for large convs, nearly 16x the cycles.
      expect(cycles[3]! / cycles[1]!).toBeGreaterThan(10);
    }
  });

  it("a transcendental elementwise op costs more per element than a cheap one, and the M4 more than the host", () => {
    const x = [f32(1, 16, 8, 8)];
    const [m4, host] = [getCostModel("cortex-m4"), getCostModel("host")];
    for (const model of [m4, host]) expect(cost(model, typed("Exp", x))).toBeGreaterThan(cost(model, typed("Relu", x)));
    for (const op of ["Relu", "Exp", "Add"]) {
      const t = op === "Add" ? typed(op, [f32(1, 16, 8, 8), f32(1, 16, 8, 8)]) : typed(op, x);
      expect(m4.nodeCost(t.node, t.inputs, t.outputs, OPS)["cycles"]!).toBeGreaterThan(host.nodeCost(t.node, t.inputs, t.outputs, OPS)["cycles"]!);
    }
  });

  it("M4 coefficients stay in their documented ranges per element (elementwise 3-10, exp 50-100+)", () => {
    const m4 = getCostModel("cortex-m4");
    const cycles = (op: string, n: number): number => {
      const t = typed(op, op === "Add" ? [f32(n), f32(n)] : [f32(n)]);
      return m4.nodeCost(t.node, t.inputs, t.outputs, OPS)["cycles"]!;
    };
    // The marginal cost of one more element (the per-call overhead cancels out).
    const perElement = (op: string): number => cycles(op, 2048) - cycles(op, 2047);
    for (const op of ["Relu", "Add", "Neg"]) {
      expect(perElement(op), op).toBeGreaterThanOrEqual(3);
      expect(perElement(op), op).toBeLessThanOrEqual(10);
    }
    expect(perElement("Exp")).toBeGreaterThanOrEqual(50);
    expect(perElement("Exp")).toBeLessThanOrEqual(110);
  });

  it("an activation fused into Conv/Gemm costs more than none but less than a separate activation node", () => {
    const conv = (attrs: Node["attrs"]) => typed("Conv", [f32(1, 8, 16, 16), f32(16, 8, 3, 3)], { pads: [1, 1, 1, 1], ...attrs });
    const gemm = (attrs: Node["attrs"]) => typed("Gemm", [f32(4, 32), f32(32, 10)], attrs);
    for (const make of [conv, gemm]) {
      const plain = make({});
      // The optimizer's fusable activations (src/ir/ops/fused-activation.ts); Relu6 is a Clip node when separate.
      for (const act of ["Relu", "Relu6", "LeakyRelu", "Clip", "Sigmoid", "HardSwish"]) {
        const fused = make({ activation: act });
        const separate = typed(act === "Relu6" ? "Clip" : act, plain.outputs);
        for (const model of CPU_MODELS) {
          const what = `${model.name} ${plain.node.op}+${act}`;
          expect(cost(model, fused), what).toBeGreaterThan(cost(model, plain));
          expect(cost(model, fused), what).toBeLessThan(cost(model, plain) + cost(model, separate));
          expect(model.nodeCost(fused.node, fused.inputs, fused.outputs, OPS)["kernelCalls"], what).toBe(1);
        }
      }
    }
  });

  it("on the KPU (a KpuConv2DCandidate, rules/targets/k210.rules), a fused table activation is free and bigger convs still cost more", () => {
    const kpu = getCostModel("k210");
    const conv = (c: number, attrs: Node["attrs"] = {}) => typed("KpuConv2DCandidate", [f32(1, c, 16, 16), f32(c, c, 3, 3)], { pads: [1, 1, 1, 1], ...attrs });
    expect(cost(kpu, conv(8, { activation: "Relu" }))).toBe(cost(kpu, conv(8)));
    expect(cost(kpu, conv(64))).toBeGreaterThan(cost(kpu, conv(8)));
  });
});

/** x[1,2,4,4] -> Relu -> Resize (bilinear x2: two passes, so scratch) -> Reshape -> Relu -> y. */
function smallGraph() {
  return buildGraph({
    name: "small",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 4, 4] }],
    outputs: ["y"],
    constants: new Map([["scales", Tensor.fromNumbers("float32", [4], [1, 1, 2, 2])]]),
    nodes: [
      { name: "r1", op: "Relu", inputs: ["x"], outputs: ["a"], attrs: {} },
      { name: "up", op: "Resize", inputs: ["a", "", "scales"], outputs: ["b"], attrs: { mode: "linear" } },
      { name: "flat", op: "Reshape", inputs: ["b"], outputs: ["c"], attrs: { shape: [2, 64] } },
      { name: "r2", op: "Relu", inputs: ["c"], outputs: ["y"], attrs: {} },
    ],
  });
}

describe("SRAM peak and program cost", () => {
  it("sramPeak's arena is planStorage's arena (with registry scratch) and the emitted ARENA size", () => {
    const graph = smallGraph();
    const scratch = graph.nodes.map((n) => scratchBytesOf(graph, n, OPS));
    expect(scratch.some((s) => s > 0), "the Resize needs scratch, so the test covers it").toBe(true);
    const plan = planStorage(graph, OPS);
    const peak = sramPeak(graph, OPS);
    expect(peak.arenaBytes).toBe(plan.arena.size);
    expect(peak.arenaBytes).toBe(compile(graph).summary.arenaBytes);
    expect(peak.ioBytes).toBe(byteSize(graph.inputs[0]!) + byteSize(graph.outputs[0]!));
    expect(peak.ioBytes).toBe(32 * 4 + 128 * 4);
    expect(peak.total).toBe(peak.arenaBytes + peak.ioBytes);
  });

  it("programCost sums nodeCost over the graph; its kernel calls match the emitted program's", () => {
    const graph = smallGraph();
    for (const model of MODELS) {
      const total = programCost(model, graph, OPS);
      let cycles = 0;
      for (const node of graph.nodes) {
        const ins = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
        const outs = node.outputs.map((n) => graph.values.get(n)!);
        cycles += model.nodeCost(node, ins, outs, OPS)["cycles"]!;
      }
      expect(total["cycles"]).toBeCloseTo(cycles, 6);
      expect(total["kernelCalls"]).toBe(compile(graph).summary.kernelCalls);
      expect(total["kernelCalls"]).toBe(3);
    }
  });
});

describe("a fused program against its unfused original", () => {
  const build = (fused: boolean) =>
    buildGraph({
      name: fused ? "fused" : "unfused",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 8, 8] }],
      outputs: ["y"],
      constants: new Map([
        ["w", Tensor.fromNumbers("float32", [4, 3, 3, 3], new Array<number>(108).fill(0.1))],
        ["b", Tensor.fromNumbers("float32", [4], [0, 1, 2, 3])],
      ]),
      nodes: fused
        ? [{ name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } }]
        : [
            { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
            { name: "relu", op: "Relu", inputs: ["c"], outputs: ["y"], attrs: {} },
          ],
    });

  it("is cheaper under both models, with one kernel call and no arena", () => {
    const [fused, unfused] = [build(true), build(false)];
    for (const model of MODELS) {
      expect(collapse(model, programCost(model, fused, OPS)), model.name).toBeLessThan(collapse(model, programCost(model, unfused, OPS)));
      expect(programCost(model, fused, OPS)["kernelCalls"]).toBe(1);
    }
    expect(sramPeak(fused, OPS).arenaBytes).toBe(0);
    expect(sramPeak(unfused, OPS).arenaBytes).toBe(4 * 8 * 8 * 4); // the Conv output before the Relu
  });
});
