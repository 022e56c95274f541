import { describe, expect, it } from "vitest";
import { compileGraph, Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { chain, expectSameOutputs, optimize, opsOf } from "../rules/support.js";

/** rules/algebra.rules: constants regrouped so chains fold into one operation. */

const k = (shape: number[], seed: number) => randomTensor(shape, seed, 0.5, 1.5);

describe("algebraic grouping of constants", () => {
  it("(x + c1) + c2 becomes one Add by a folded constant", () => {
    const graph = chain([2, 3], { a: k([3], 1), b: k([1, 3], 2) }, [
      { op: "Add", inputs: ["x", "a"], output: "s" },
      { op: "Add", inputs: ["b", "s"], output: "y" },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(opsOf(out)).toEqual(["Add"]);
    expect(report.hits["add-add-const"]).toBeGreaterThan(0);
    expectSameOutputs(graph, out);
  });

  it("(x * c1) * c2 and x - c join chains: x * 2 * 3 - 1 + 4 is one Mul and one Add", () => {
    const scalar = (v: number) => Tensor.fromNumbers("float32", [], [v]);
    const graph = chain([4], { two: scalar(2), three: scalar(3), one: scalar(1), four: scalar(4) }, [
      { op: "Mul", inputs: ["x", "two"], output: "a" },
      { op: "Mul", inputs: ["a", "three"], output: "b" },
      { op: "Sub", inputs: ["b", "one"], output: "c" },
      { op: "Add", inputs: ["c", "four"], output: "y" },
    ]);
    const { graph: out } = optimize(graph);
    expect(opsOf(out).sort()).toEqual(["Add", "Mul"]);
    expectSameOutputs(graph, out);
  });

  it("an affine (x - mean) * scale + shift after a Conv folds into the Conv (one kernel call)", () => {
    const graph = chain([1, 2, 5, 5], { w: randomTensor([3, 2, 3, 3], 1), b: randomTensor([3], 2), mean: k([3, 1, 1], 3), scale: k([3, 1, 1], 4), shift: k([3, 1, 1], 5) }, [
      { op: "Conv", inputs: ["x", "w", "b"], output: "c" },
      { op: "Sub", inputs: ["c", "mean"], output: "d" },
      { op: "Mul", inputs: ["d", "scale"], output: "e" },
      { op: "Add", inputs: ["e", "shift"], output: "f" },
      { op: "Relu", inputs: ["f"], output: "y" },
    ]);
    const { graph: out } = optimize(graph);
    expect(opsOf(out)).toEqual(["Conv"]);
    expect(out.nodes[0]!.attrs["activation"]).toBe("Relu");
    expectSameOutputs(graph, out);
    expect(compileGraph(graph).summary.kernelCalls).toBe(1);
  });

  it("does not merge constants whose combination would be larger than either (negative case)", () => {
    const graph = chain([3, 4], { a: k([3, 1], 1), b: k([1, 4], 2) }, [
      { op: "Add", inputs: ["x", "a"], output: "s" },
      { op: "Add", inputs: ["s", "b"], output: "y" },
    ]);
    const { graph: out, report } = optimize(graph);
    expect(report.hits["add-add-const"]).toBeUndefined();
    expect(opsOf(out)).toEqual(["Add", "Add"]);
    expectSameOutputs(graph, out);
  });

  it("stays bounded on a long chain of constant additions", () => {
    const constants: Record<string, Tensor> = {};
    const nodes = Array.from({ length: 24 }, (_, i) => {
      constants[`c${i}`] = k([8], i + 1);
      return { op: i % 2 === 0 ? "Add" : "Sub", inputs: [i === 0 ? "x" : `v${i - 1}`, `c${i}`], output: i === 23 ? "y" : `v${i}` };
    });
    const graph = chain([8], constants, nodes);
    const { graph: out, report } = optimize(graph);
    console.log(`24-op constant chain: ${report.stopReason} after ${report.iterations} iterations, ${report.nodes} e-nodes, ${report.saturateMs.toFixed(0)} + ${report.extractMs.toFixed(0)} ms`);
    expect(["saturated", "iteration-limit", "node-limit", "application-limit"]).toContain(report.stopReason);
    expect(out.nodes.length).toBeLessThanOrEqual(2);
    expectSameOutputs(graph, out);
  });
});
