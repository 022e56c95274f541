import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf, type NodeCase } from "./tensor-support.js";

const bools = (v: number[]) => constant(Tensor.fromNumbers("bool", [v.length], v));

describe("Det", () => {
  it("determinants of 2x2, 3x3 (needs a row swap), singular and batched matrices (hand-checked)", () => {
    const det = (shape: number[], v: number[]) => valuesOf(interpretNode({ op: "Det", inputs: [input(Tensor.fromNumbers("float64", shape, v))] })[0]);
    expect(det([2, 2], [1, 2, 3, 4])).toEqual([-2]);
    expect(det([3, 3], [0, 2, 1, 1, 0, 0, 3, 1, 2])[0]).toBeCloseTo(-3, 12);
    expect(det([3, 3], [1, 2, 3, 2, 4, 6, 1, 0, 1])).toEqual([0]);
    const b = det([2, 2, 2], [1, 2, 3, 4, 2, 0, 0, 3]);
    expect(b).toEqual([-2, 6]);
  });
  it("generated C matches for float32 and float64 batches of several sizes, under sanitizers", () => {
    const { graph, feeds } = checksGraph(
      { a: randomTensor([3, 4, 4], 1), b: Tensor.fromNumbers("float64", [2, 5, 5], randomTensor([2, 5, 5], 2).toNumbers()), c: randomTensor([1, 1], 3) },
      [
        { name: "det_a", op: "Det", inputs: ["a"] },
        { name: "det_b", op: "Det", inputs: ["b"] },
        { name: "det_c", op: "Det", inputs: ["c"] },
      ],
    );
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("rejects a non-square input and integer data, naming the node", () => {
    expectNodeError({ op: "Det", inputs: [input(iota([2, 3]))] }, /square matrix/);
    expectNodeError({ op: "Det", inputs: [input(Tensor.fromNumbers("int32", [2, 2], [1, 0, 0, 1]))] }, /Det supports float32, float64/);
  });
});

describe("Compress", () => {
  it("selects slices along an axis or elements of the flattened input (ONNX spec examples)", () => {
    const x = input(iota([3, 2]));
    expect(valuesOf(interpretNode({ op: "Compress", inputs: [x, bools([0, 1, 1])], attrs: { axis: 0 } })[0])).toEqual([2, 3, 4, 5]);
    expect(valuesOf(interpretNode({ op: "Compress", inputs: [x, bools([0, 1])], attrs: { axis: -1 } })[0])).toEqual([1, 3, 5]);
    const flat = interpretNode({ op: "Compress", inputs: [x, bools([0, 1, 0, 0, 1])] })[0];
    expect(flat!.shape).toEqual([2]);
    expect(valuesOf(flat)).toEqual([1, 4]);
  });
  it("generated C matches, including an all-false condition", () => {
    const cases: NodeCase[] = [
      { op: "Compress", inputs: [input(seeded("int64", [3, 4, 2], 1)), bools([1, 0, 1, 1])], attrs: { axis: 1 } },
      { op: "Compress", inputs: [input(seeded("float32", [3, 4], 2)), bools([0, 0, 1, 0, 0, 1, 1])] },
      { op: "Compress", inputs: [input(seeded("int8", [3, 4], 3)), bools([0, 0])], attrs: { axis: 0 } },
    ];
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("rejects a run-time condition and a true entry past the axis, naming the node", () => {
    expectNodeError({ op: "Compress", inputs: [input(iota([3])), input(Tensor.fromNumbers("bool", [3], [1, 0, 1]))] }, /the condition\) must be a compile-time constant \(it decides the output shape\)/);
    expectNodeError({ op: "Compress", inputs: [input(iota([2, 2])), bools([0, 0, 1])], attrs: { axis: 0 } }, /condition entry 2 is true but the axis 0 has only 2 entries/);
  });
});

describe("ReverseSequence", () => {
  it("reverses the first lens[b] time steps (ONNX spec examples)", () => {
    const x = input(iota([4, 4]));
    const time = interpretNode({ op: "ReverseSequence", inputs: [x, input(i64([4, 3, 2, 1]))], attrs: { time_axis: 0, batch_axis: 1 } })[0];
    expect(valuesOf(time)).toEqual([12, 9, 6, 3, 8, 5, 2, 7, 4, 1, 10, 11, 0, 13, 14, 15]);
    const batch = interpretNode({ op: "ReverseSequence", inputs: [x, input(i64([1, 2, 3, 4]))], attrs: { time_axis: 1, batch_axis: 0 } })[0];
    expect(valuesOf(batch)).toEqual([0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12]);
  });
  it("generated C matches with inner dimensions, both layouts, under sanitizers; out-of-range lengths are clamped in C", () => {
    const cases: NodeCase[] = [
      { op: "ReverseSequence", inputs: [input(seeded("float32", [5, 3, 2], 4)), input(i64([5, 0, 2]))] },
      { op: "ReverseSequence", inputs: [input(seeded("int16", [3, 5, 2, 2], 5)), input(i64([1, 4, 5]))], attrs: { time_axis: 1, batch_axis: 0 } },
    ];
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
    const { graph, feeds } = singleNodeGraph("ReverseSequence", [{ value: iota([3, 2]) }, { value: i64([9, -1]) }]);
    expect(valuesOf(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0])).toEqual([4, 1, 2, 3, 0, 5]);
    expect(() => runGraph(graph, feeds)).toThrow(/sequence_lens\[0\] = 9 is outside 0..3/);
  });
  it("rejects equal axes and lengths of the wrong size, naming the node", () => {
    expectNodeError({ op: "ReverseSequence", inputs: [input(iota([2, 2])), input(i64([1, 1]))], attrs: { time_axis: 1 } }, /time_axis 1 and batch_axis 1/);
    expectNodeError({ op: "ReverseSequence", inputs: [input(iota([2, 3])), input(i64([1, 1]))] }, /sequence_lens must have shape 3/);
  });
});
