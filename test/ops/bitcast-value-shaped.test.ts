import { describe, expect, it } from "vitest";
import { buildGraph, Tensor } from "../../src/index.js";
import { errorOf } from "../support/errors.js";
import { expectCMatchesInterpreter } from "./elementwise-support.js";
import { constant, expectNodeError, i64, input, interpretNode, valuesOf } from "./tensor-support.js";

describe("BitCast", () => {
  it("reinterprets the bytes (ONNX spec values)", () => {
    const [y] = interpretNode({ op: "BitCast", inputs: [input(Tensor.fromNumbers("float32", [3], [1, -2.5, 3.75]))], attrs: { to: 6 } });
    expect(y!.dtype).toBe("int32");
    expect(valuesOf(y)).toEqual([1065353216, -1071644672, 1081081856]);
    const [z] = interpretNode({ op: "BitCast", inputs: [input(Tensor.fromNumbers("int8", [2], [-1, -128]))], attrs: { to: 2 } });
    expect(valuesOf(z)).toEqual([255, 128]);
  });
  it("runs in C between computed tensors and as a graph output (an alias of its input)", () => {
    const x = Tensor.fromNumbers("float32", [4], [1, -2.5, 0, 1e-30]);
    const graph = buildGraph({
      name: "bitcast",
      opset: 26,
      inputs: [{ name: "x", dtype: "float32", dims: [4] }],
      outputs: ["bits_plus_one", "back"],
      constants: new Map([["one", Tensor.scalar("int32", 1)]]),
      nodes: [
        { name: "neg", op: "Neg", inputs: ["x"], outputs: ["nx"], attrs: {} },
        { name: "to_int", op: "BitCast", inputs: ["nx"], outputs: ["bits"], attrs: { to: 6 } },
        { name: "add", op: "Add", inputs: ["bits", "one"], outputs: ["bits_plus_one"], attrs: {} },
        { name: "to_float", op: "BitCast", inputs: ["bits_plus_one"], outputs: ["back"], attrs: { to: 1 } },
      ],
    });
    expectCMatchesInterpreter(graph, [x]);
  });
  it("refuses types of different widths, naming the node", () => {
    expectNodeError({ op: "BitCast", inputs: [input(Tensor.fromNumbers("float32", [1], [1]))], attrs: { to: 7 } }, /same width: float32 is 32 bits, int64 is 64/);
  });
});

describe("NonZero", () => {
  it("gives the coordinates of the non-zero elements of a constant (ONNX spec example)", () => {
    const [y] = interpretNode({ op: "NonZero", inputs: [constant(Tensor.fromNumbers("bool", [2, 2], [1, 0, 1, 1]))] });
    expect(y!.shape).toEqual([2, 3]);
    expect(valuesOf(y)).toEqual([0, 1, 1, 0, 0, 1]);
    expect(interpretNode({ op: "NonZero", inputs: [constant(Tensor.fromNumbers("float32", [3], [0, 0, 0]))] })[0]!.shape).toEqual([1, 0]);
  });
  it("refuses a run-time input with the reason", () => {
    expectNodeError({ op: "NonZero", inputs: [input(Tensor.fromNumbers("float32", [2], [1, 0]))] }, /the X\) must be a compile-time constant \(the output shape depends on its values\)/);
  });
});

describe("Unique", () => {
  const x = constant(Tensor.fromNumbers("float32", [6], [2, 1, 1, 3, 4, 3]));
  it("sorted and unsorted unique elements with first indices, inverse indices and counts (ONNX spec examples)", () => {
    const [y, idx, inv, counts] = interpretNode({ op: "Unique", inputs: [x], outputs: 4 });
    expect(valuesOf(y)).toEqual([1, 2, 3, 4]);
    expect(valuesOf(idx)).toEqual([1, 0, 3, 4]);
    expect(valuesOf(inv)).toEqual([1, 0, 0, 2, 3, 2]);
    expect(valuesOf(counts)).toEqual([2, 1, 2, 1]);
    const [u, , uinv] = interpretNode({ op: "Unique", inputs: [x], attrs: { sorted: 0 }, outputs: 4 });
    expect(valuesOf(u)).toEqual([2, 1, 3, 4]);
    expect(valuesOf(uinv)).toEqual([0, 1, 1, 2, 3, 2]);
  });
  it("unique slices along an axis, sorted lexicographically", () => {
    const m = constant(Tensor.fromNumbers("float32", [3, 3], [1, 0, 0, 1, 0, 0, 2, 3, 4]));
    const [y, idx, inv, counts] = interpretNode({ op: "Unique", inputs: [m], attrs: { axis: 0 }, outputs: 4 });
    expect(y!.shape).toEqual([2, 3]);
    expect(valuesOf(y)).toEqual([1, 0, 0, 2, 3, 4]);
    expect(valuesOf(idx)).toEqual([0, 2]);
    expect(valuesOf(inv)).toEqual([0, 0, 1]);
    expect(valuesOf(counts)).toEqual([2, 1]);
    const big = constant(i64([2n ** 60n + 1n, 2n ** 60n, 2n ** 60n + 1n]));
    expect(Array.from(interpretNode({ op: "Unique", inputs: [big] })[0]!.data as BigInt64Array)).toEqual([2n ** 60n, 2n ** 60n + 1n]);
  });
  it("refuses a run-time input and a bad axis", () => {
    expectNodeError({ op: "Unique", inputs: [input(Tensor.fromNumbers("float32", [2], [1, 0]))] }, /must be a compile-time constant/);
    expect(errorOf(() => interpretNode({ op: "Unique", inputs: [x], attrs: { axis: 1 } })).message).toContain("axis 1 is out of range");
  });
});
