import { describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { fanOutGraph, randomTensor, singleNodeGraph } from "../support/graphs.js";

/** Runs a single node through the interpreter and returns output 0's values. */
function evalNode(op: string, x: Tensor, attrs: Record<string, AttrValue>): { shape: readonly number[]; values: number[] } {
  const { graph, feeds } = singleNodeGraph(op, [{ value: x }], attrs);
  const [y] = runGraph(graph, feeds);
  return { shape: y!.shape, values: Array.from(y!.toNumbers()) };
}


function expectCMatchesInterpreter(graph: Graph, feeds: readonly Tensor[], rtol = 1e-4, atol = 1e-5): void {
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, { cflags: SANITIZE });
  ref.forEach((r, i) => {
    expect(got[i]!.shape).toEqual(r.shape);
    const cmp = compareClose(got[i]!, r, rtol, atol);
    expect(cmp.ok, `output ${i} (${graph.nodes[i]?.name}) differs by ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
  });
}

const SANITIZE = SANITIZE_CFLAGS;

const SPEC_DATA = Tensor.fromNumbers("float32", [3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

describe("Reduce* reference semantics (ONNX spec examples)", () => {
  it("ReduceSum over axis 1 with keepdims", () => {
    expect(evalNode("ReduceSum", SPEC_DATA, { axes: [1], keepdims: 1 })).toEqual({ shape: [3, 1, 2], values: [4, 6, 12, 14, 20, 22] });
  });
  it("ReduceMean over a negative axis without keepdims", () => {
    expect(evalNode("ReduceMean", SPEC_DATA, { axes: [-2], keepdims: 0 })).toEqual({ shape: [3, 2], values: [2, 3, 6, 7, 10, 11] });
  });
  it("ReduceMax with default axes reduces everything", () => {
    const x = Tensor.fromNumbers("float32", [3, 2, 2], [5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2]);
    expect(evalNode("ReduceMax", x, {})).toEqual({ shape: [1, 1, 1], values: [60] });
  });
  it("ReduceProd, ReduceL1, ReduceSumSquare, ReduceMin on axis 2", () => {
    expect(evalNode("ReduceProd", SPEC_DATA, { axes: [2], keepdims: 0 }).values).toEqual([2, 12, 30, 56, 90, 132]);
    expect(evalNode("ReduceL1", SPEC_DATA, { axes: [2], keepdims: 0 }).values).toEqual([3, 7, 11, 15, 19, 23]);
    expect(evalNode("ReduceSumSquare", SPEC_DATA, { axes: [2], keepdims: 0 }).values).toEqual([5, 25, 61, 113, 181, 265]);
    expect(evalNode("ReduceMin", SPEC_DATA, { axes: [2], keepdims: 0 }).values).toEqual([1, 3, 5, 7, 9, 11]);
  });
  it("ReduceL2, ReduceLogSum and ReduceLogSumExp", () => {
    const l2 = evalNode("ReduceL2", SPEC_DATA, { axes: [2], keepdims: 1 });
    expect(l2.shape).toEqual([3, 2, 1]);
    expect(l2.values[0]).toBeCloseTo(Math.sqrt(5), 6);
    expect(evalNode("ReduceLogSum", SPEC_DATA, { axes: [0, 1, 2], keepdims: 0 }).values[0]).toBeCloseTo(Math.log(78), 5);
    expect(evalNode("ReduceLogSumExp", SPEC_DATA, { axes: [1], keepdims: 0 }).values[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(3)), 5);
  });
  it("noop_with_empty_axes passes the input through; empty axes otherwise reduce all", () => {
    expect(evalNode("ReduceSum", SPEC_DATA, { axes: [], noop_with_empty_axes: 1 }).values).toEqual(Array.from(SPEC_DATA.toNumbers()));
    expect(evalNode("ReduceSum", SPEC_DATA, { axes: [], keepdims: 0 })).toEqual({ shape: [], values: [78] });
  });
  it("integer ReduceMean truncates toward zero like C", () => {
    const x = Tensor.fromNumbers("int32", [2, 2], [1, 2, -3, -4]);
    expect(evalNode("ReduceMean", x, { axes: [1], keepdims: 0 }).values).toEqual([1, -3]);
  });
});

describe("ArgMax / ArgMin reference semantics", () => {
  it("spec examples, with and without select_last_index", () => {
    const x = Tensor.fromNumbers("float32", [2, 2], [2, 1, 3, 10]);
    expect(evalNode("ArgMax", x, { axis: 1, keepdims: 1 })).toEqual({ shape: [2, 1], values: [0, 1] });
    expect(evalNode("ArgMin", x, { axis: 0, keepdims: 0 })).toEqual({ shape: [2], values: [0, 0] });
    const ties = Tensor.fromNumbers("float32", [2, 2], [2, 2, 3, 10]);
    expect(evalNode("ArgMax", ties, { axis: 1, keepdims: 1, select_last_index: 1 }).values).toEqual([1, 1]);
    expect(evalNode("ArgMax", ties, { axis: 1, keepdims: 1 }).values).toEqual([0, 1]);
  });
});

describe("Reduce* generated C matches the interpreter (under sanitizers)", () => {
  it("every float32 reduction over several axis sets", () => {
    const x = randomTensor([2, 3, 4, 5], 11, 0.1, 2);
    const kinds = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"];
    const axisSets: AttrValue[] = [[1], [0, 2], [-1, 1], []];
    const nodes = kinds.flatMap((op, k) => axisSets.map((axes, a) => ({ op, attrs: { axes, keepdims: (k + a) % 2 } as Record<string, AttrValue> })));
    nodes.push({ op: "ReduceSum", attrs: { axes: [], noop_with_empty_axes: 1, keepdims: 1 } });
    expectCMatchesInterpreter(fanOutGraph(x, nodes), [x]);
  });

  it("integer reductions (int32 and int64) wrap and truncate like the interpreter", () => {
    for (const dtype of ["int32", "int64"] as const) {
      const x = Tensor.fromNumbers(dtype, [3, 4], Array.from(randomTensor([12], 5, -50, 50).toNumbers()));
      const nodes = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceSumSquare"].map((op) => ({ op, attrs: { axes: [1], keepdims: 0 } }));
      expectCMatchesInterpreter(fanOutGraph(x, nodes), [x], 0, 0);
    }
  });

  it("empty reductions give the identity (opset 18): 0, 1, -inf, +inf, NaN; int32 too", () => {
    const x = new Tensor("float32", [2, 0, 3]);
    const kinds = ["ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceMean", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp"];
    const graph = fanOutGraph(x, kinds.map((op) => ({ op, attrs: { axes: [1], keepdims: 1 } })));
    const got = compileAndRun(graph, [x], { cflags: SANITIZE });
    const first = got.map((t) => t.toNumbers()[0]);
    expect(first).toEqual([0, 1, -Infinity, Infinity, NaN, 0, 0, -Infinity, -Infinity]);
    expect(runGraph(graph, [x]).map((t) => t.toNumbers()[0])).toEqual(first);
    const xi = new Tensor("int32", [0, 2]);
    const ints = fanOutGraph(xi, ["ReduceMax", "ReduceMean"].map((op) => ({ op, attrs: { axes: [0], keepdims: 0 } })));
    expect(compileAndRun(ints, [xi], { cflags: SANITIZE }).map((t) => Array.from(t.toNumbers()))).toEqual([[-2147483648, -2147483648], [0, 0]]);
  });

  it("bool ReduceMax is any, ReduceMin is all (opset 20)", () => {
    const x = Tensor.fromNumbers("bool", [3, 2], [1, 1, 1, 0, 0, 0]);
    const graph = fanOutGraph(x, ["ReduceMax", "ReduceMin"].map((op) => ({ op, attrs: { axes: [1], keepdims: 0 } })));
    const want = [[1, 1, 0], [1, 0, 0]];
    expect(runGraph(graph, [x]).map((t) => Array.from(t.toNumbers()))).toEqual(want);
    expect(compileAndRun(graph, [x], { cflags: SANITIZE }).map((t) => Array.from(t.toNumbers()))).toEqual(want);
  });

  it("ArgMax/ArgMin on every axis, keepdims and select_last_index", () => {
    // Values from a small set so that ties occur and select_last_index matters.
    const x = Tensor.fromNumbers("float32", [3, 4, 5], Array.from(randomTensor([60], 3, 0, 4).toNumbers(), Math.floor));
    const nodes = [0, 1, -1].flatMap((axis) =>
      ["ArgMax", "ArgMin"].flatMap((op) => [0, 1].map((last) => ({ op, attrs: { axis, keepdims: last, select_last_index: last } }))),
    );
    expectCMatchesInterpreter(fanOutGraph(x, nodes), [x], 0, 0);
  });
});

describe("Reduce* attribute and type errors name the node", () => {
  const x = randomTensor([2, 3], 1);
  function error(op: string, attrs: Record<string, AttrValue>, input = x): EgretError {
    try {
      singleNodeGraph(op, [{ value: input }], attrs);
    } catch (e) {
      if (e instanceof EgretError) return e;
      throw e;
    }
    throw new Error("expected an EgretError");
  }
  it("rejects an axis out of range", () => {
    const e = error("ReduceMean", { axes: [2] });
    expect(e.code).toBe("bad-attribute");
    expect(e.message).toContain('node "reducemean_0" (ReduceMean)');
    expect(e.message).toContain("axis 2 is out of range");
  });
  it("rejects a repeated axis", () => {
    expect(error("ReduceSum", { axes: [1, -1] }).message).toContain("twice");
  });
  it("rejects ArgMax axis out of range", () => {
    expect(error("ArgMax", { axis: -3 }).message).toContain('node "argmax_0" (ArgMax)');
  });
  it("rejects a log reduction of integers", () => {
    expect(error("ReduceLogSum", {}, Tensor.fromNumbers("int32", [2], [1, 2])).code).toBe("unsupported-dtype");
  });
});
