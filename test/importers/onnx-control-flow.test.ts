import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { importOnnx } from "../../src/importers/onnx/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxModelSpec } from "../support/onnx-builder.js";

const f32 = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const i64 = (v: number) => Tensor.scalar("int64", v);
const bool = (v: boolean) => Tensor.scalar("bool", v ? 1 : 0);

function importSpec(spec: OnnxModelSpec, options: Parameters<typeof importOnnx>[2] = {}): Graph {
  return importOnnx(encodeOnnxModel(spec), "control.onnx", options);
}

/** Runs the interpreter and the generated C on the same inputs; returns the interpreter's outputs. */
function runBoth(graph: Graph, feeds: Tensor[]): number[][] {
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds);
  got.forEach((t, i) => {
    expect(t.shape).toEqual(ref[i]!.shape);
    expect(compareClose(t, ref[i]!).ok).toBe(true);
  });
  return ref.map((t) => Array.from(t.toNumbers()));
}

/** y = cond ? x + c (c a branch initializer) : x * x. */
function ifModel(cond: { initializer: boolean } | "input"): OnnxModelSpec {
  const thenBranch: OnnxGraphSpec = { inputs: [], outputs: ["t"], nodes: [{ op: "Add", inputs: ["x", "c"], outputs: ["t"] }], initializers: { c: f32([2], [10, 20]) } };
  const elseBranch: OnnxGraphSpec = { inputs: [], outputs: ["e"], nodes: [{ op: "Mul", inputs: ["x", "x"], outputs: ["e"] }] };
  return {
    opset: 13,
    inputs: [{ name: "x", dims: [2] }, ...(cond === "input" ? [{ name: "cond", dtype: "bool" as const, dims: [] }] : [])],
    outputs: ["y"],
    initializers: cond === "input" ? {} : { cond: bool(cond.initializer) },
    nodes: [{ op: "If", name: "choose", inputs: ["cond"], outputs: ["y"], attrs: { then_branch: { kind: "graph", graph: thenBranch }, else_branch: { kind: "graph", graph: elseBranch } } }],
  };
}

describe("If with a constant condition", () => {
  const x = f32([2], [3, -4]);

  it("inlines the then branch, with its own initializer and the outer input", () => {
    const graph = importSpec(ifModel({ initializer: true }));
    expect(graph.nodes.map((n) => n.op)).not.toContain("If");
    expect(runBoth(graph, [x])[0]).toEqual([13, 16]);
  });

  it("inlines the else branch", () => {
    expect(runBoth(importSpec(ifModel({ initializer: false })), [x])[0]).toEqual([9, 16]);
  });

  it("takes a condition frozen with --const-input", () => {
    const graph = importSpec(ifModel("input"), { constantInputs: new Map([["cond", bool(true)]]) });
    expect(runBoth(graph, [x])[0]).toEqual([13, 16]);
  });

  it("refuses a run-time condition, naming the node and the fix", () => {
    const e = errorOf(() => importSpec(ifModel("input")));
    expect(e.code).toBe("non-constant");
    expect(e.message).toContain('node "choose" (If): the condition (input 0) must be a compile-time constant');
    expect(e.message).toContain("--const-input");
  });
});

/**
 * Loop over y: y_{i+1} = y_i + (i == 1 ? 10 : i), with a nested If whose else branch reads the
 * body's iteration number (a free name renamed per copy) and whose condition uses an outer
 * initializer. Scan output: every y_{i+1}.
 */
function loopModel(trip: number): OnnxModelSpec {
  const body: OnnxGraphSpec = {
    inputs: [{ name: "i", dtype: "int64", dims: [] }, { name: "c", dtype: "bool", dims: [] }, { name: "y_in", dims: [2] }],
    outputs: ["c", "y_out", "s"],
    nodes: [
      { op: "Equal", inputs: ["i", "one"], outputs: ["is_one"] },
      {
        op: "If",
        inputs: ["is_one"],
        outputs: ["step"],
        attrs: {
          then_branch: { kind: "graph", graph: { inputs: [], outputs: ["ten"], nodes: [{ op: "Constant", inputs: [], outputs: ["ten"], attrs: { value: Tensor.scalar("float32", 10) } }] } },
          else_branch: { kind: "graph", graph: { inputs: [], outputs: ["fi"], nodes: [{ op: "Cast", inputs: ["i"], outputs: ["fi"], attrs: { to: 1 } }] } },
        },
      },
      { op: "Add", inputs: ["y_in", "step"], outputs: ["y_out"] },
      { op: "Identity", inputs: ["y_out"], outputs: ["s"] },
    ],
  };
  return {
    opset: 13,
    inputs: [{ name: "y0", dims: [2] }],
    outputs: ["y", "scan"],
    initializers: { M: i64(trip), one: i64(1) },
    nodes: [{ op: "Loop", name: "repeat", inputs: ["M", "", "y0"], outputs: ["y", "scan"], attrs: { body: { kind: "graph", graph: body } } }],
  };
}

/** A while loop: runs while the body's condition i < limit holds, adding 1 to y each time. */
function whileModel(limit: { constant: number } | "input"): OnnxModelSpec {
  const body: OnnxGraphSpec = {
    inputs: [{ name: "i", dtype: "int64", dims: [] }, { name: "c", dtype: "bool", dims: [] }, { name: "y_in", dims: [1] }],
    outputs: ["go", "y_out"],
    nodes: [
      { op: "Less", inputs: ["i", "limit"], outputs: ["go"] },
      { op: "Add", inputs: ["y_in", "one_f"], outputs: ["y_out"] },
    ],
  };
  return {
    opset: 13,
    inputs: [{ name: "y0", dims: [1] }, ...(limit === "input" ? [{ name: "limit", dtype: "int64" as const, dims: [] }] : [])],
    outputs: ["y"],
    initializers: { go0: bool(true), one_f: f32([1], [1]), ...(limit === "input" ? {} : { limit: i64(limit.constant) }) },
    nodes: [{ op: "Loop", name: "spin", inputs: ["", "go0", "y0"], outputs: ["y"], attrs: { body: { kind: "graph", graph: body } } }],
  };
}

describe("Loop with a constant trip count or condition", () => {
  it("unrolls the body with a nested If, carried values and a scan output", () => {
    const graph = importSpec(loopModel(3));
    expect(graph.nodes.map((n) => n.op)).not.toContain("Loop");
    const [y, scan] = runBoth(graph, [f32([2], [1, 2])]);
    expect(y).toEqual([13, 14]);
    expect(graph.outputs[1]!.shape).toEqual([3, 2]);
    expect(scan).toEqual([1, 2, 11, 12, 13, 14]);
  });

  it("zero iterations pass the initial values through", () => {
    const spec = loopModel(0);
    const graph = importSpec({ ...spec, outputs: ["y"], nodes: [{ ...spec.nodes[0]!, outputs: ["y"], attrs: { body: { kind: "graph", graph: { inputs: [{ name: "i" }, { name: "c" }, { name: "v" }], outputs: ["c", "v"], nodes: [] } } } }] });
    expect(runGraph(graph, [f32([2], [5, 6])]).map((t) => Array.from(t.toNumbers()))[0]).toEqual([5, 6]);
  });

  it("runs a while loop until the body's folded condition turns false", () => {
    // Iterations i = 0, 1, 2 run (the condition computed by iteration 2, 2 < 2, stops the loop).
    expect(runBoth(importSpec(whileModel({ constant: 2 })), [f32([1], [0.5])])[0]).toEqual([3.5]);
  });

  it("refuses a loop whose condition depends on run-time values", () => {
    const e = errorOf(() => importSpec(whileModel("input")));
    expect(e.code).toBe("non-constant");
    expect(e.message).toContain('node "spin" (Loop): the condition computed by iteration 0 of the body must be a compile-time constant');
  });

  it("refuses to unroll beyond the node budget, before doing the work", () => {
    const e = errorOf(() => importSpec(loopModel(1_000_000)));
    expect(e.message).toMatch(/node "repeat" \(Loop\): runs 1000000 iterations of a 4-node body: unrolled, that is more than 200000 nodes/);
  });
});

/** Scan: state s += x_t over the rows of x [3, 2] taken in reverse; scan output 2 * s, stacked on axis 1. */
function scanModel(): OnnxModelSpec {
  const body: OnnxGraphSpec = {
    inputs: [{ name: "s_in", dims: [2] }, { name: "x_t", dims: [2] }],
    outputs: ["s_out", "twice"],
    nodes: [
      { op: "Add", inputs: ["s_in", "x_t"], outputs: ["s_out"] },
      { op: "Mul", inputs: ["s_out", "two"], outputs: ["twice"] },
    ],
  };
  return {
    opset: 16,
    inputs: [{ name: "s0", dims: [2] }, { name: "x", dims: [3, 2] }],
    outputs: ["s", "ys"],
    initializers: { two: f32([1], [2]) },
    nodes: [{ op: "Scan", name: "sweep", inputs: ["s0", "x"], outputs: ["s", "ys"], attrs: { num_scan_inputs: 1, scan_input_directions: [1], scan_output_axes: [1], body: { kind: "graph", graph: body } } }],
  };
}

describe("control flow the outputs do not need, or need only through a subgraph", () => {
  it("drops a dead If whose condition is computed at run time", () => {
    const spec = ifModel("input");
    const graph = importSpec({ ...spec, outputs: ["z"], nodes: [...spec.nodes, { op: "Neg", inputs: ["x"], outputs: ["z"] }] });
    expect(graph.nodes.map((n) => n.op)).toEqual(["Neg"]);
  });

  it("keeps an If whose output a Loop body reads from the enclosing scope", () => {
    // y = y0 + 2 * c where c = If(true) -> [10, 20]: the loop body adds the If's output each time.
    const branch = (v: number[]): OnnxGraphSpec => ({ inputs: [], outputs: ["k"], nodes: [{ op: "Constant", inputs: [], outputs: ["k"], attrs: { value: f32([2], v) } }] });
    const body: OnnxGraphSpec = { inputs: [{ name: "i", dtype: "int64", dims: [] }, { name: "c", dtype: "bool", dims: [] }, { name: "y_in", dims: [2] }], outputs: ["c", "y_out"], nodes: [{ op: "Add", inputs: ["y_in", "chosen"], outputs: ["y_out"] }] };
    const graph = importSpec({
      opset: 13,
      inputs: [{ name: "y0", dims: [2] }],
      outputs: ["y"],
      initializers: { cond: bool(true), M: i64(2) },
      nodes: [
        { op: "If", inputs: ["cond"], outputs: ["chosen"], attrs: { then_branch: { kind: "graph", graph: branch([10, 20]) }, else_branch: { kind: "graph", graph: branch([0, 0]) } } },
        { op: "Loop", inputs: ["M", "", "y0"], outputs: ["y"], attrs: { body: { kind: "graph", graph: body } } },
      ],
    });
    expect(runBoth(graph, [f32([2], [1, 1])])[0]).toEqual([21, 41]);
  });
});

describe("Scan over a static length", () => {
  it("unrolls in reverse and stacks the scan output on axis 1", () => {
    const graph = importSpec(scanModel());
    // Rows taken 2, 1, 0: s = [0,0] + [5,6] = [5,6], + [3,4] = [8,10], + [1,2] = [9,12].
    const [s, ys] = runBoth(graph, [f32([2], [0, 0]), f32([3, 2], [1, 2, 3, 4, 5, 6])]);
    expect(s).toEqual([9, 12]);
    expect(graph.outputs[1]!.shape).toEqual([2, 3]);
    expect(ys).toEqual([10, 16, 18, 12, 20, 24]);
  });

  it("rejects num_scan_inputs larger than the inputs", () => {
    const spec = scanModel();
    const e = errorOf(() => importSpec({ ...spec, nodes: [{ ...spec.nodes[0]!, attrs: { ...spec.nodes[0]!.attrs, num_scan_inputs: 3 } }] }));
    expect(e.message).toContain('node "sweep" (Scan): num_scan_inputs 3 must be between 1 and the number of inputs (2)');
  });
});
