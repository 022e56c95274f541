import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";

const f32 = (shape: number[], values: number[]) => Tensor.fromNumbers("float32", shape, values);

describe("Concat", () => {
  const a = f32([2, 2], [1, 2, 3, 4]);
  const b = f32([2, 2], [5, 6, 7, 8]);
  it.each([
    [0, [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]],
    [1, [2, 4], [1, 2, 5, 6, 3, 4, 7, 8]],
    [-1, [2, 4], [1, 2, 5, 6, 3, 4, 7, 8]],
    [-2, [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]],
  ])("spec example: axis %i", (axis, shape, want) => {
    const [y] = interpretNode({ op: "Concat", inputs: [input(a), input(b)], attrs: { axis } });
    expect(y!.shape).toEqual(shape);
    expect(valuesOf(y)).toEqual(want);
  });

  it("rejects mismatched dimensions and types, naming the node", () => {
    expectNodeError({ op: "Concat", inputs: [input(iota([2, 3])), input(iota([3, 3]))], attrs: { axis: 1 } }, /input 1 has shape 3x3, incompatible with input 0's 2x3/);
    expectNodeError({ op: "Concat", inputs: [input(iota([2, 3])), input(iota([2]))], attrs: { axis: 0 } }, /incompatible/);
    expectNodeError({ op: "Concat", inputs: [input(iota([2])), input(iota([2], "int32"))], attrs: { axis: 0 } }, /one type/);
    expectNodeError({ op: "Concat", inputs: [input(iota([2]))], attrs: { axis: 1 } }, /out of range/);
  });

  it("C matches the interpreter for several dtypes, constant and empty inputs", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "int32"] as const).flatMap((dtype, i) => [
      { op: "Concat", inputs: [input(seeded(dtype, [2, 3, 4], i)), input(seeded(dtype, [2, 1, 4], i + 1)), constant(seeded(dtype, [2, 2, 4], i + 2))], attrs: { axis: 1 } },
      { op: "Concat", inputs: [input(seeded(dtype, [3, 2], i + 3)), input(seeded(dtype, [3, 0], i + 4)), input(seeded(dtype, [3, 5], i + 5))], attrs: { axis: -1 } },
      { op: "Concat", inputs: [input(seeded(dtype, [1, 4], i + 6)), input(seeded(dtype, [2, 4], i + 7))], attrs: { axis: 0 } },
      { op: "Concat", inputs: [input(seeded(dtype, [5], i + 8))], attrs: { axis: 0 } },
    ]);
    expectCasesMatchC(cases);
  });
});

describe("Split", () => {
  const x = f32([6], [1, 2, 3, 4, 5, 6]);
  it("splits into equal parts by default (opsets 11 and 13)", () => {
    for (const opset of [11, 13]) {
      const outs = interpretNode({ op: "Split", inputs: [input(x)], outputs: 3 }, opset);
      expect(outs.map(valuesOf)).toEqual([[1, 2], [3, 4], [5, 6]]);
    }
  });

  it("uses the split sizes: attribute before opset 13, input since", () => {
    const before = interpretNode({ op: "Split", inputs: [input(x)], attrs: { split: [2, 4] }, outputs: 2 }, 11);
    expect(before.map(valuesOf)).toEqual([[1, 2], [3, 4, 5, 6]]);
    const since = interpretNode({ op: "Split", inputs: [input(x), constant(i64([2, 4]))], outputs: 2 }, 13);
    expect(since.map(valuesOf)).toEqual([[1, 2], [3, 4, 5, 6]]);
  });

  it("splits along an axis, allows zero-size parts, and takes num_outputs (opset 18)", () => {
    const outs = interpretNode({ op: "Split", inputs: [input(iota([2, 6])), constant(i64([2, 0, 4]))], attrs: { axis: 1 }, outputs: 3 });
    expect(outs.map((t) => t.shape)).toEqual([[2, 2], [2, 0], [2, 4]]);
    expect(valuesOf(outs[0])).toEqual([0, 1, 6, 7]);
    const uneven = interpretNode({ op: "Split", inputs: [input(iota([7]))], attrs: { num_outputs: 3 }, outputs: 3 }, 18);
    expect(uneven.map(valuesOf)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("rejects sizes that do not add up and indivisible equal splits", () => {
    expectNodeError({ op: "Split", inputs: [input(x), constant(i64([2, 3]))], outputs: 2 }, /summing to the axis size 6/);
    expectNodeError({ op: "Split", inputs: [input(x)], outputs: 4 }, /4 equal parts/);
  });

  it("C matches the interpreter for several dtypes, unused outputs included", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16"] as const).flatMap((dtype, i) => [
      { op: "Split", inputs: [input(seeded(dtype, [2, 6, 3], i)), constant(i64([1, 3, 2]))], attrs: { axis: 1 }, outputs: 3 },
      { op: "Split", inputs: [input(seeded(dtype, [4, 3], i + 1))], outputs: [true, false] },
      { op: "Split", inputs: [input(seeded(dtype, [3, 4], i + 2))], attrs: { axis: -1 }, outputs: [false, true] },
    ]);
    expectCasesMatchC(cases);
  });
});
