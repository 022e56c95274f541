import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { singleNodeGraph } from "../support/graphs.js";
import { expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf, type NodeCase } from "./tensor-support.js";

const f32 = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);

describe("GatherND", () => {
  it("ONNX spec examples 1-5 (element, slice, batch_dims)", () => {
    const g = (data: Tensor, idx: Tensor, attrs: Record<string, number> = {}) => interpretNode({ op: "GatherND", inputs: [input(data), input(idx)], attrs })[0]!;
    const d22 = Tensor.fromNumbers("int32", [2, 2], [0, 1, 2, 3]);
    expect(valuesOf(g(d22, i64([0, 0, 1, 1], [2, 2])))).toEqual([0, 3]);
    expect(valuesOf(g(d22, i64([1, 0], [2, 1])))).toEqual([2, 3, 0, 1]);
    const d222 = iota([2, 2, 2]);
    const e3 = g(d222, i64([0, 1, 1, 0], [2, 2]));
    expect(e3.shape).toEqual([2, 2]);
    expect(valuesOf(e3)).toEqual([2, 3, 4, 5]);
    const e4 = g(d222, i64([0, 1, 1, 0], [2, 1, 2]));
    expect(e4.shape).toEqual([2, 1, 2]);
    expect(valuesOf(e4)).toEqual([2, 3, 4, 5]);
    const e5 = g(d222, i64([1, 0], [2, 1]), { batch_dims: 1 });
    expect(e5.shape).toEqual([2, 2]);
    expect(valuesOf(e5)).toEqual([2, 3, 4, 5]);
  });
  it("generated C matches for int32/int64 indices, batch_dims and negative indices, under sanitizers", () => {
    const cases: NodeCase[] = [
      { op: "GatherND", inputs: [input(seeded("float32", [3, 4, 5], 1)), input(i64([0, -1, 2, 3, 1, 0], [3, 2]))] },
      { op: "GatherND", inputs: [input(seeded("int64", [3, 4, 5], 2)), input(Tensor.fromNumbers("int32", [2, 2, 1], [2, -3, 0, 1]))] },
      { op: "GatherND", inputs: [input(seeded("int8", [3, 4, 5], 3)), input(i64([1, 4, 3, -5, 0, 0], [3, 1, 2]))], attrs: { batch_dims: 1 } },
      { op: "GatherND", inputs: [input(seeded("float64", [2, 3, 4], 4)), input(i64([1, 2, 0, 3, -1, -4], [2, 3, 1]))], attrs: { batch_dims: 2 } },
    ];
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("an out-of-range run-time index gives a zero slice in C", () => {
    const { graph, feeds } = singleNodeGraph("GatherND", [{ value: f32([2, 2], [1, 2, 3, 4]) }, { value: i64([1, 2], [2, 1]) }]);
    expect(valuesOf(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0])).toEqual([3, 4, 0, 0]);
  });
  it("rejects mismatched batch dimensions and an over-long index tuple, naming the node", () => {
    expectNodeError({ op: "GatherND", inputs: [input(iota([2, 3])), input(i64([0, 0, 0], [1, 3]))] }, /indices end in 3/);
    expectNodeError({ op: "GatherND", inputs: [input(iota([2, 3])), input(i64([0, 0, 0], [3, 1]))], attrs: { batch_dims: 1 } }, /must match \(batch_dims\)/);
  });
});

describe("ScatterElements and Scatter", () => {
  it("ONNX spec examples (axis 0, axis 1, duplicates with add)", () => {
    const data = f32([3, 3], new Array(9).fill(0));
    const idx = i64([1, 0, 2, 0, 2, 1], [2, 3]);
    const upd = f32([2, 3], [1, 1.1, 1.2, 2, 2.1, 2.2]);
    const y = interpretNode({ op: "ScatterElements", inputs: [input(data), input(idx), input(upd)] })[0];
    expect(Array.from(y!.data as Float32Array)).toEqual(Array.from(f32([9], [2, 1.1, 0, 1, 0, 2.2, 0, 2.1, 1.2]).data as Float32Array));
    const row = f32([1, 5], [1, 2, 3, 4, 5]);
    const z = interpretNode({ op: "Scatter", inputs: [input(row), input(i64([1, -2], [1, 2])), input(f32([1, 2], [1.1, 2.1]))], attrs: { axis: 1 } })[0];
    expect(valuesOf(z).map((v) => Math.round(v * 10) / 10)).toEqual([1, 1.1, 3, 2.1, 5]);
    const w = interpretNode({ op: "ScatterElements", inputs: [input(row), input(i64([1, 1], [1, 2])), input(f32([1, 2], [1.5, 2.5]))], attrs: { axis: 1, reduction: "add" } })[0];
    expect(valuesOf(w)).toEqual([1, 6, 3, 4, 5]);
  });
  it("generated C matches for every reduction, axis and index type, under sanitizers", () => {
    const cases: NodeCase[] = [];
    const idx = Tensor.fromNumbers("int32", [2, 3, 2], [0, 1, 2, -1, 3, 0, 1, 1, -4, 2, 0, 3]);
    for (const reduction of ["none", "add", "mul", "max", "min"]) {
      cases.push({ op: "ScatterElements", inputs: [input(seeded("float32", [3, 4, 2], 5)), input(idx), input(seeded("float32", [2, 3, 2], 6))], attrs: { axis: 1, reduction } });
      cases.push({ op: "ScatterElements", inputs: [input(seeded("int32", [3, 4, 2], 7)), input(idx), input(seeded("int32", [2, 3, 2], 8))], attrs: { axis: -2, reduction } });
    }
    cases.push({ op: "Scatter", inputs: [input(seeded("int64", [4, 3], 9)), input(i64([3, 0, -1, 1, 2, 0], [2, 3])), input(seeded("int64", [2, 3], 10))] });
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("skips an out-of-range run-time index in C; the interpreter reports it", () => {
    const { graph, feeds } = singleNodeGraph("ScatterElements", [{ value: f32([3], [1, 2, 3]) }, { value: i64([5, 1], [2]) }, { value: f32([2], [8, 9]) }]);
    expect(valuesOf(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0])).toEqual([1, 9, 3]);
    expect(() => runGraph(graph, feeds)).toThrow(/index 5 is out of range/);
  });
  it("rejects shape mismatches, a bad axis and reductions on bool, naming the node", () => {
    const d = input(iota([2, 3]));
    expectNodeError({ op: "ScatterElements", inputs: [d, input(i64([0, 1], [1, 2])), input(iota([2, 1]))] }, /must have the same shape/);
    expectNodeError({ op: "ScatterElements", inputs: [d, input(i64([0], [1, 1])), input(iota([1, 1]))], attrs: { axis: 2 } }, /axis 2 is out of range/);
    const b = input(Tensor.fromNumbers("bool", [2], [0, 1]));
    expectNodeError({ op: "ScatterElements", inputs: [b, input(i64([0])), input(Tensor.fromNumbers("bool", [1], [1]))], attrs: { reduction: "add" } }, /not supported for bool/);
  });
});
