/**
 * The k210 KPU/CPU split is extraction's decision: rules/targets/k210.rules offers every legal
 * Conv as a KpuConv2DCandidate, the k210-kpu cost model prices both, and lowerForK210 quantises
 * only the candidates extraction kept. A legal conv that is cheaper on the CPU stays there.
 */
import { describe, expect, it } from "vitest";
import { extractForK210 } from "./k210-support.js";
import { kpuConvVerdict } from "../../backends/k210/legality.js";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { collapse } from "../../costmodels/index.js";
import { k210Kpu } from "../../backends/k210/cost-model.js";
import { compile, runGraph, type Graph } from "../../src/index.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";

/** A one-conv NCHW graph with constant weights and bias, KPU padding (1 for 3×3, 0 for 1×1). */
function convGraph(c: number, size: number, oc: number, k: 1 | 3) {
  return singleNodeGraph(
    "Conv",
    [{ value: randomTensor([1, c, size, size], 1, 0, 1) }, { value: randomTensor([oc, c, k, k], 2), constant: true }, { value: randomTensor([oc], 3), constant: true }],
    { pads: Array(4).fill((k - 1) / 2) },
  );
}

/** The k210-kpu price of the graph's conv as a CPU Conv and as a KPU candidate (collapsed to one number). */
function prices(graph: Graph): { cpu: number; kpu: number } {
  const model = k210Kpu;
  const conv = graph.nodes[0]!;
  const inputs = conv.inputs.map((n) => graph.values.get(n));
  const outputs = conv.outputs.map((n) => graph.values.get(n)!);
  return {
    cpu: collapse(model, model.nodeCost(conv, inputs, outputs, OPS)),
    kpu: collapse(model, model.nodeCost({ ...conv, op: KPU_CONV2D_CANDIDATE }, inputs, outputs, OPS)),
  };
}

function isLegal(graph: Graph): boolean {
  const conv = graph.nodes[0]!;
  return kpuConvVerdict(conv, graph.values.get(conv.inputs[0]!), graph.values.get(conv.inputs[1]!), graph.values.get(conv.outputs[0]!)).ok;
}

describe("k210: extraction decides KPU vs CPU per layer", () => {
  it("a legal 1-channel 1×1 conv on a 4×4 map, cheaper on the CPU than a KPU layer's set-up, stays a CPU Conv", () => {
    const { graph, feeds } = convGraph(1, 4, 1, 1);
    expect(isLegal(graph)).toBe(true); // the old legality pass would have put it on the KPU
    const { cpu, kpu } = prices(graph);
    expect(cpu).toBeLessThan(kpu);
    const extracted = extractForK210(graph);
    expect(extracted.nodes.map((n) => n.op)).toEqual(["Conv"]);
    const lowered = lowerForK210(extracted, [feeds], OPS);
    expect(lowered.kpuLayers).toEqual([]);
    expect(lowered.fallbacks.map((f) => f.reason)).toEqual([expect.stringMatching(/extraction kept it on the CPU/)]);
    // The same through the registered target.
    expect(compile(graph, { target: "k210", calibration: [feeds] }).graph.nodes.map((n) => n.op)).toEqual(["Conv"]);
  });

  it("a legal 8-channel 3×3 conv, cheaper on the KPU, is extracted as a candidate and lowered to KpuConv2D", () => {
    const { graph, feeds } = convGraph(8, 8, 8, 3);
    expect(isLegal(graph)).toBe(true);
    const { cpu, kpu } = prices(graph);
    expect(kpu).toBeLessThan(cpu);
    const extracted = extractForK210(graph);
    expect(extracted.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CANDIDATE]);
    // The candidate is the float conv: the extracted program computes exactly what the Conv does.
    expect(Buffer.from(runGraph(extracted, feeds)[0]!.bytes()).equals(Buffer.from(runGraph(graph, feeds)[0]!.bytes()))).toBe(true);
    const lowered = lowerForK210(extracted, [feeds], OPS);
    expect(lowered.program.nodes.map((n) => n.op)).toEqual(["KpuConv2D"]);
    expect(lowered.fallbacks).toEqual([]);
  });

  it("the lowering alone moves nothing: a legal Conv that did not go through extraction stays on the CPU", () => {
    const { graph, feeds } = convGraph(8, 8, 8, 3);
    const lowered = lowerForK210(graph, [feeds], OPS);
    expect(lowered.program.nodes.map((n) => n.op)).toEqual(["Conv"]);
    expect(lowered.kpuLayers).toEqual([]);
  });
});
