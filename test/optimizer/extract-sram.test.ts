import { describe, expect, it } from "vitest";
import { buildGraph, compile, EgretError, runGraph, type Graph } from "../../src/index.js";
import { sramPeak } from "../../costmodels/index.js";
import { optimizeGraph } from "../../src/optimizer/optimize.js";
import { parseRules } from "../../src/rules/load.js";
import { compareClose } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { HOST_OPTIMIZE, OPS, VOCABULARY } from "../support/toolchain.js";

/**
 * A user rule that pushes a Slice below a Sigmoid: sound (Sigmoid is elementwise), and a trade of
 * kernels for memory. Two halves of Sigmoid(x) as outputs can be computed as
 *   A: t = Sigmoid(x) [16 floats in the arena]; y1 = Slice(t); y2 = Slice(t)     (3 kernels)
 *   B: y1 = Sigmoid(Slice(x)); y2 = Sigmoid(Slice(x)) [8-float intermediates]    (4 kernels)
 * A is cheaper (one call fewer, same arithmetic) but needs a 64-byte arena; B needs 32 bytes.
 */
const sliceBelowSigmoid = parseRules(
  `(rule slice-below-sigmoid (Slice (Sigmoid ?x) :* ?s) => (Sigmoid (Slice ?x :* ?s)))`,
  "test/slice-below-sigmoid.rules",
  VOCABULARY,
);

function twoHalves(): Graph {
  return buildGraph({
    name: "two_halves",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16] }],
    outputs: ["y1", "y2"],
    constants: new Map(),
    nodes: [
      { name: "sig", op: "Sigmoid", inputs: ["x"], outputs: ["t"], attrs: {} },
      { name: "lo", op: "Slice", inputs: ["t"], outputs: ["y1"], attrs: { starts: [0], ends: [8], axes: [1] } },
      { name: "hi", op: "Slice", inputs: ["t"], outputs: ["y2"], attrs: { starts: [8], ends: [16], axes: [1] } },
    ],
  });
}

const ops = (graph: Graph) => graph.nodes.map((n) => n.op);

describe("DAG extraction on the IR", () => {
  it("keeps the shared Sigmoid that greedy (tree cost) duplicates", () => {
    const greedy = optimizeGraph(twoHalves(), { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid, extractor: "greedy" });
    expect(ops(greedy.graph).sort()).toEqual(["Sigmoid", "Sigmoid", "Slice", "Slice"]);
    const dag = optimizeGraph(twoHalves(), { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid });
    expect(ops(dag.graph).sort()).toEqual(["Sigmoid", "Slice", "Slice"]);
    expect(dag.report.extraction.used).toMatch(/^dag/);
    expect(dag.report.extraction.dagStatus).toBe("optimal");
    expect(dag.report.extraction.cost).toBeLessThan(dag.report.extraction.greedyCost);
    expect(greedy.report.extraction.used).toBe("greedy");
  });
});

describe("--sram-budget", () => {
  const graph = twoHalves();
  const cheapArena = sramPeak(optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid }).graph, OPS).arenaBytes;
  const smallArena = sramPeak(optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid, extractor: "greedy" }).graph, OPS).arenaBytes;

  it("the cheapest program needs more arena than the alternative (premise of the test)", () => {
    expect(cheapArena).toBe(64);
    expect(smallArena).toBe(32);
  });

  it("a budget between the two arenas picks the smaller program, which computes the same outputs", () => {
    const budget = 48;
    const { graph: chosen, report } = optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid, sramBudget: budget });
    expect(ops(chosen).sort()).toEqual(["Sigmoid", "Sigmoid", "Slice", "Slice"]);
    expect(report.extraction.sram?.arenaBytes).toBe(32);
    expect(report.extraction.sram?.candidates.map((c) => c.arenaBytes)).toContain(64);
    const x = randomTensor([1, 16], 7);
    const want = runGraph(graph, [x]);
    runGraph(chosen, [x]).forEach((got, i) => expect(compareClose(got, want[i]!).ok).toBe(true));

    const compiled = compile(graph, { userRules: sliceBelowSigmoid, sramBudget: budget });
    expect(compiled.summary.arenaBytes).toBeLessThanOrEqual(budget);
    expect(compiled.summary.kernelCalls).toBe(4);
  });

  it("a budget the cheapest program fits keeps the cheapest program", () => {
    const { graph: chosen } = optimizeGraph(graph, { ...HOST_OPTIMIZE, rules: sliceBelowSigmoid, sramBudget: 64 });
    expect(ops(chosen).sort()).toEqual(["Sigmoid", "Slice", "Slice"]);
  });

  it("an impossible budget fails with the budget and the smallest arena found", () => {
    let error: unknown;
    try {
      compile(graph, { userRules: sliceBelowSigmoid, sramBudget: 16 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EgretError);
    expect((error as EgretError).code).toBe("bad-option");
    expect((error as EgretError).message).toMatch(/16 bytes/);
    expect((error as EgretError).message).toMatch(/smallest arena found needs 32 bytes/);
  });

  it("without the optimizer the imported graph must fit the budget too", () => {
    expect(() => compile(graph, { optimize: false, sramBudget: 16 })).toThrow(/needs 64 bytes/);
    expect(compile(graph, { optimize: false, sramBudget: 64 }).summary.arenaBytes).toBe(64);
  });
});
