import { describe, expect, it } from "vitest";
import { compileGraph, Tensor, type AttrValue } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { compareClose } from "../support/c-run.js";
import { chain, expectSameOutputs, feedsFor, optimize, opsOf, runC } from "../rules/support.js";

/** Pad folded into Conv / MaxPool / AveragePool padding (rules/fusion.rules): positive and negative cases. */

const X = [1, 2, 5, 6];
const weights = { w: randomTensor([3, 2, 3, 3], 1), b: randomTensor([3], 2) };

function padConv(padAttrs: Record<string, AttrValue>, convAttrs: Record<string, AttrValue> = {}) {
  return chain(X, weights, [
    { op: "Pad", inputs: ["x"], output: "p", attrs: padAttrs },
    { op: "Conv", inputs: ["p", "w", "b"], output: "y", attrs: convAttrs },
  ]);
}

function padPool(pool: "MaxPool" | "AveragePool", padAttrs: Record<string, AttrValue>, poolAttrs: Record<string, AttrValue>) {
  return chain(X, {}, [
    { op: "Pad", inputs: ["x"], output: "p", attrs: padAttrs },
    { op: pool, inputs: ["p"], output: "y", attrs: { kernel_shape: [3, 3], ...poolAttrs } },
  ]);
}

describe("Pad into Conv padding", () => {
  it("folds a zero constant pad of the spatial axes into the Conv's pads (one kernel call, same outputs in C)", () => {
    const graph = padConv({ pads: [0, 0, 1, 2, 0, 0, 1, 0] }, { pads: [1, 0, 0, 1] });
    const { graph: out, report } = optimize(graph);
    expect(opsOf(out)).toEqual(["Conv"]);
    expect(out.nodes[0]!.attrs["pads"]).toEqual([2, 2, 1, 1]);
    expect(report.hits["conv-pad"]).toBeGreaterThan(0);
    expectSameOutputs(graph, out);
    const feeds = feedsFor(graph);
    expect(compileGraph(graph).summary.kernelCalls).toBe(1);
    expect(compareClose(runC(graph, feeds, true)[0]!, runC(graph, feeds, false)[0]!).ok).toBe(true);
  });

  it("folds a pad given on chosen axes (axes attribute, negative axes) and a Conv without bias", () => {
    const graph = chain(X, { w: weights.w }, [
      { op: "Pad", inputs: ["x"], output: "p", attrs: { pads: [1, 0, 1, 3], axes: [-1, 2] } },
      { op: "Conv", inputs: ["p", "w"], output: "y", attrs: {} },
    ]);
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["Conv"]);
    expect(out.nodes[0]!.attrs["pads"]).toEqual([0, 1, 3, 1]);
    expectSameOutputs(graph, out);
  });

  it.each([
    ["a non-zero pad value", { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: 0.5 }],
    ["reflect padding", { pads: [0, 0, 1, 1, 0, 0, 1, 1], mode: "reflect" }],
    ["padding of the channel axis", { pads: [0, 1, 1, 1, 0, 0, 1, 1] }],
    ["a negative (cropping) pad", { pads: [0, 0, 1, -1, 0, 0, 1, 1] }],
  ])("keeps the Pad for %s", (_what, padAttrs) => {
    const graph = chain(X, { w: randomTensor([3, padAttrs.pads[1] === 1 ? 3 : 2, 3, 3], 1), b: weights.b }, [
      { op: "Pad", inputs: ["x"], output: "p", attrs: padAttrs },
      { op: "Conv", inputs: ["p", "w", "b"], output: "y", attrs: {} },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(opsOf(out)).toEqual(["Pad", "Conv"]);
    expect(report.hits["conv-pad"]).toBeUndefined();
    expectSameOutputs(graph, out);
  });

  it("keeps the Pad when the Conv uses auto_pad SAME", () => {
    const graph = padConv({ pads: [0, 0, 1, 1, 0, 0, 1, 1] }, { auto_pad: "SAME_UPPER" });
    expect(opsOf(optimize(graph).graph)).toEqual(["Pad", "Conv"]);
  });
});

describe("Pad into pooling padding", () => {
  it("folds a -inf pad into MaxPool (which ignores its pads)", () => {
    const graph = padPool("MaxPool", { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: -Infinity }, { pads: [0, 1, 0, 0] });
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["MaxPool"]);
    expect(out.nodes[0]!.attrs["pads"]).toEqual([1, 2, 1, 1]);
    expectSameOutputs(graph, out);
  });

  it("keeps a zero pad before MaxPool: zeros would win the max over negative inputs", () => {
    const graph = padPool("MaxPool", { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, {});
    expect(opsOf(optimize(graph).graph)).toEqual(["Pad", "MaxPool"]);
  });

  it("keeps the Pad when the merged pads would reach the window extent", () => {
    const graph = padPool("MaxPool", { pads: [0, 0, 2, 0, 0, 0, 0, 0], value: -Infinity }, { pads: [1, 0, 0, 0] });
    expect(opsOf(optimize(graph).graph)).toEqual(["Pad", "MaxPool"]);
  });

  it("folds a zero pad into AveragePool counting its pads", () => {
    const graph = padPool("AveragePool", { pads: [0, 0, 1, 0, 0, 0, 0, 1] }, { count_include_pad: 1, pads: [1, 1, 0, 0] });
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["AveragePool"]);
    expect(out.nodes[0]!.attrs["pads"]).toEqual([2, 1, 0, 1]);
    expectSameOutputs(graph, out);
  });

  it("folds a zero pad into an unpadded AveragePool that excludes pads, switching it to count them", () => {
    const graph = padPool("AveragePool", { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, {});
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["AveragePool"]);
    expect(out.nodes[0]!.attrs["count_include_pad"]).toBe(1);
    expectSameOutputs(graph, out);
  });

  it("keeps the Pad before an AveragePool that has pads of its own and excludes them", () => {
    const graph = padPool("AveragePool", { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, { pads: [1, 1, 1, 1] });
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["Pad", "AveragePool"]);
    expectSameOutputs(graph, out);
  });

  it("keeps a -inf pad before AveragePool", () => {
    const graph = padPool("AveragePool", { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: -Infinity }, { count_include_pad: 1 });
    expect(opsOf(optimize(graph).graph)).toEqual(["Pad", "AveragePool"]);
  });
});

describe("Pad values given as a tensor input (opset 11+)", () => {
  it("folds a Pad whose pads and value came from constant inputs", () => {
    const graph = chain(X, { ...weights, pads: Tensor.fromNumbers("int64", [8], [0, 0, 1, 1, 0, 0, 1, 1]), zero: Tensor.fromNumbers("float32", [], [0]) }, [
      { op: "Pad", inputs: ["x", "pads", "zero"], output: "p" },
      { op: "Conv", inputs: ["p", "w", "b"], output: "y" },
    ]);
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["Conv"]);
    expectSameOutputs(graph, out);
  });
});
