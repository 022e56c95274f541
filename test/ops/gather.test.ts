import { describe, expect, it } from "vitest";
import { buildGraph, runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { errorOf } from "../support/errors.js";

const f32 = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const i64 = (shape: number[], v: number[]) => Tensor.fromNumbers("int64", shape, v);

function evalNode(op: string, inputs: Tensor[], attrs: Record<string, AttrValue> = {}): Tensor {
  const { graph, feeds } = singleNodeGraph(op, inputs.map((value) => ({ value })), attrs);
  return runGraph(graph, feeds)[0]!;
}

/** Graph inputs `a0, a1, ...`; each node names its inputs by those indices; every node output is a graph output. */
function multiGraph(inputs: readonly Tensor[], nodes: readonly { op: string; ins: number[]; attrs?: Record<string, AttrValue> }[]): Graph {
  return buildGraph({
    name: "multi",
    opset: 17,
    inputs: inputs.map((t, i) => ({ name: `a${i}`, dtype: t.dtype, dims: [...t.shape] })),
    outputs: nodes.map((_, i) => `y${i}`),
    constants: new Map(),
    nodes: nodes.map((n, i) => ({ name: `n${i}_${n.op}`, op: n.op, inputs: n.ins.map((k) => `a${k}`), outputs: [`y${i}`], attrs: n.attrs ?? {} })),
  });
}

function expectCMatchesInterpreter(graph: Graph, feeds: readonly Tensor[], cflags?: string): void {
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, cflags ? { cflags } : {});
  ref.forEach((r, i) => {
    expect(got[i]!.shape).toEqual(r.shape);
    expect(compareClose(got[i]!, r, 0, 0).ok, `output ${i}`).toBe(true);
  });
}


const SANITIZE = SANITIZE_CFLAGS;

describe("Gather", () => {
  it("spec example, axis 0", () => {
    const y = evalNode("Gather", [f32([3, 2], [1, 1.2, 2.3, 3.4, 4.5, 5.7]), i64([2, 2], [0, 1, 1, 2])], { axis: 0 });
    expect(y.shape).toEqual([2, 2, 2]);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(f32([8], [1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7]).data as Float32Array));
  });
  it("spec example, axis 1", () => {
    const y = evalNode("Gather", [f32([3, 3], [1, 1.2, 1.9, 2.3, 3.4, 3.9, 4.5, 5.7, 5.9]), i64([1, 2], [0, 2])], { axis: 1 });
    expect(y.shape).toEqual([3, 1, 2]);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(f32([6], [1, 1.9, 2.3, 3.9, 4.5, 5.9]).data as Float32Array));
  });
  it("negative and scalar indices; int64 data is copied bit-exactly", () => {
    const data = new Tensor("int64", [3], new BigInt64Array([1n, 9223372036854775807n, -5n]));
    const y = evalNode("Gather", [data, Tensor.scalar("int32", -2)], {});
    expect(y.shape).toEqual([]);
    expect(y.data[0]).toBe(9223372036854775807n);
  });
  it("generated C matches on every axis with int32/int64, scalar and negative indices", () => {
    const data = randomTensor([3, 4, 5], 7);
    const idx64 = i64([2, 2], [0, -1, 2, 1]);
    const idx32 = Tensor.fromNumbers("int32", [3], [-3, 0, 1]);
    const scalar = Tensor.scalar("int64", -1);
    const graph = multiGraph([data, idx64, idx32, scalar], [
      { op: "Gather", ins: [0, 1], attrs: { axis: 0 } },
      { op: "Gather", ins: [0, 2], attrs: { axis: 1 } },
      { op: "Gather", ins: [0, 1], attrs: { axis: -1 } },
      { op: "Gather", ins: [0, 3], attrs: { axis: 2 } },
    ]);
    expectCMatchesInterpreter(graph, [data, idx64, idx32, scalar]);
  });
  it("an out-of-range run-time index gives a zero slice in C, with no out-of-bounds read", () => {
    const data = f32([3, 2], [1, 2, 3, 4, 5, 6]);
    const idx = i64([3], [2, 3, -4]);
    const { graph, feeds } = singleNodeGraph("Gather", [{ value: data }, { value: idx }], { axis: 0 });
    const [y] = compileAndRun(graph, feeds, { cflags: SANITIZE });
    expect(Array.from(y!.toNumbers())).toEqual([5, 6, 0, 0, 0, 0]);
    // The interpreter treats the same index as a model error.
    expect(errorOf(() => runGraph(graph, feeds)).message).toContain("index 3 is out of range");
  });
  it("rejects an axis out of range and float indices, naming the node", () => {
    const e = errorOf(() => singleNodeGraph("Gather", [{ value: f32([2], [1, 2]) }, { value: i64([1], [0]) }], { axis: 1 }));
    expect(e.message).toContain('node "gather_0" (Gather)');
    expect(e.message).toContain("axis 1 is out of range");
    expect(errorOf(() => singleNodeGraph("Gather", [{ value: f32([2], [1, 2]) }, { value: f32([1], [0]) }])).code).toBe("unsupported-dtype");
  });
});

describe("GatherElements", () => {
  it("spec examples", () => {
    const y = evalNode("GatherElements", [f32([2, 2], [1, 2, 3, 4]), i64([2, 2], [0, 0, 1, 0])], { axis: 1 });
    expect(Array.from(y.toNumbers())).toEqual([1, 1, 4, 3]);
    const z = evalNode("GatherElements", [f32([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), i64([2, 3], [1, 2, 0, 2, 0, -3])], { axis: 0 });
    expect(Array.from(z.toNumbers())).toEqual([4, 8, 3, 7, 2, 3]);
  });
  it("generated C matches the interpreter", () => {
    const data = randomTensor([3, 4, 2], 9);
    const idx = Tensor.fromNumbers("int32", [2, 3, 2], [0, 1, 2, -1, 3, 0, 1, 1, -4, 2, 0, 3]);
    const graph = multiGraph([data, idx], [{ op: "GatherElements", ins: [0, 1], attrs: { axis: 1 } }]);
    expectCMatchesInterpreter(graph, [data, idx]);
  });
});

describe("ScatterND", () => {
  it("spec examples (none and add)", () => {
    const data = f32([8], [1, 2, 3, 4, 5, 6, 7, 8]);
    const y = evalNode("ScatterND", [data, i64([4, 1], [4, 3, 1, 7]), f32([4], [9, 10, 11, 12])]);
    expect(Array.from(y.toNumbers())).toEqual([1, 11, 3, 10, 9, 6, 7, 12]);
    const z = evalNode("ScatterND", [data, i64([2, 1], [0, 0]), f32([2], [5, 6])], { reduction: "add" });
    expect(Array.from(z.toNumbers())).toEqual([12, 2, 3, 4, 5, 6, 7, 8]);
  });
  it("generated C matches for slices and elements, every reduction, under sanitizers", () => {
    const data = randomTensor([4, 4, 3], 2);
    const idx1 = i64([2, 1], [0, -2]);
    const upd1 = randomTensor([2, 4, 3], 3);
    const idx2 = i64([3, 2], [1, 1, 3, 0, 1, 1]);
    const upd2 = randomTensor([3, 3], 4);
    const nodes = ["none", "add", "mul", "max", "min"].flatMap((reduction) => [
      { op: "ScatterND", ins: [0, 1, 2], attrs: { reduction } },
      { op: "ScatterND", ins: [0, 3, 4], attrs: { reduction } },
    ]);
    expectCMatchesInterpreter(multiGraph([data, idx1, upd1, idx2, upd2], nodes), [data, idx1, upd1, idx2, upd2], SANITIZE);
  });
  it("skips an update whose run-time index is out of range", () => {
    const { graph, feeds } = singleNodeGraph("ScatterND", [{ value: f32([3], [1, 2, 3]) }, { value: i64([2, 1], [5, 1]) }, { value: f32([2], [8, 9]) }]);
    const [y] = compileAndRun(graph, feeds, { cflags: SANITIZE });
    expect(Array.from(y!.toNumbers())).toEqual([1, 9, 3]);
  });
  it("rejects mismatched updates and unknown reductions, naming the node", () => {
    const data = { value: f32([4], [1, 2, 3, 4]) };
    const idx = { value: i64([2, 1], [0, 1]) };
    const e = errorOf(() => singleNodeGraph("ScatterND", [data, idx, { value: f32([3], [1, 2, 3]) }]));
    expect(e.message).toContain('node "scatternd_0" (ScatterND)');
    expect(e.message).toContain("updates must have shape 2");
    expect(errorOf(() => singleNodeGraph("ScatterND", [data, idx, { value: f32([2], [1, 2]) }], { reduction: "xor" })).code).toBe("bad-attribute");
  });
});
