import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, seeded, valuesOf, type NodeCase } from "./tensor-support.js";

const k = (v: number) => constant(i64([v]));
const x34 = Tensor.fromNumbers("float32", [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 9, 8]);

describe("TopK", () => {
  it("largest and smallest along an axis (ONNX spec example)", () => {
    const [v, i] = interpretNode({ op: "TopK", inputs: [input(x34), k(3)], attrs: { axis: 1 }, outputs: 2 });
    expect(valuesOf(v)).toEqual([3, 2, 1, 7, 6, 5, 11, 10, 9]);
    expect(valuesOf(i)).toEqual([3, 2, 1, 3, 2, 1, 0, 1, 2]);
    const [s, j] = interpretNode({ op: "TopK", inputs: [input(x34), k(2)], attrs: { axis: 0, largest: 0 }, outputs: 2 });
    expect(valuesOf(s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(valuesOf(j)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
  it("takes K from the opset-1 attribute `k` too", () => {
    const [v] = interpretNode({ op: "TopK", inputs: [input(x34)], attrs: { k: 1 }, outputs: 2 }, 9);
    expect(valuesOf(v)).toEqual([3, 7, 11]);
  });
  it("keeps index order among equal values and puts NaN above every number", () => {
    const [v, i] = interpretNode({ op: "TopK", inputs: [input(i64([0, 1, 0, 1])), k(3)], outputs: 2 });
    expect(valuesOf(v)).toEqual([1, 1, 0]);
    expect(valuesOf(i)).toEqual([1, 3, 0]);
    const [, n] = interpretNode({ op: "TopK", inputs: [input(Tensor.fromNumbers("float32", [4], [1, NaN, 3, 2])), k(2)], outputs: 2 });
    expect(valuesOf(n)).toEqual([1, 2]);
  });
  it("generated C matches on every type, both orders, ties and NaN, under sanitizers", () => {
    const cases: NodeCase[] = [];
    for (const dtype of ["float32", "float64", "float16", "int8", "uint16", "int32", "int64", "uint64"] as const) {
      for (const largest of [0, 1]) cases.push({ op: "TopK", inputs: [input(seeded(dtype, [3, 6, 4], 11)), k(4)], attrs: { axis: 1, largest }, outputs: 2 });
    }
    const ties = Tensor.fromNumbers("float32", [2, 6], [2, NaN, 2, -1, NaN, 5, 0, 0, 0, 1, 1, 0]);
    for (const largest of [0, 1]) cases.push({ op: "TopK", inputs: [input(ties), k(6)], attrs: { largest }, outputs: 2 });
    cases.push({ op: "TopK", inputs: [input(ties), k(0)], outputs: 2 });
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("rejects K above the axis length, a run-time K and bool data, naming the node", () => {
    expectNodeError({ op: "TopK", inputs: [input(x34), k(5)], outputs: 2 }, /K = 5 must be between 0 and the axis length 4/);
    expectNodeError({ op: "TopK", inputs: [input(x34), input(i64([2]))], outputs: 2 }, /the k\) must be a compile-time constant \(it sets the output shape\)/);
    expectNodeError({ op: "TopK", inputs: [input(Tensor.fromNumbers("bool", [2], [0, 1])), k(1)], outputs: 2 }, /TopK supports/);
  });
});
