import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";

const col = Tensor.fromNumbers("float32", [3, 1], [1, 2, 3]);

describe("Expand", () => {
  it("spec examples: dims changed and unchanged", () => {
    const [a] = interpretNode({ op: "Expand", inputs: [input(col), constant(i64([2, 1, 6]))] });
    expect(a!.shape).toEqual([2, 3, 6]);
    expect(valuesOf(a).slice(0, 12)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    const [b] = interpretNode({ op: "Expand", inputs: [input(col), constant(i64([3, 4]))] });
    expect(valuesOf(b)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  });

  it("broadcasts both ways: a smaller target shape keeps the input's dims", () => {
    const [a] = interpretNode({ op: "Expand", inputs: [input(col), constant(i64([1]))] });
    expect(a!.shape).toEqual([3, 1]);
    const [b] = interpretNode({ op: "Expand", inputs: [input(iota([1, 3])), constant(i64([2, 1]))] });
    expect(valuesOf(b)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("rejects incompatible shapes and computed shapes", () => {
    expectNodeError({ op: "Expand", inputs: [input(col), constant(i64([2, 4]))] }, /cannot broadcast the input 3x1/);
    expectNodeError({ op: "Expand", inputs: [input(col), input(i64([2, 4]))] }, /compile-time constant/);
  });
});

describe("Tile", () => {
  it("spec example and zero repeats", () => {
    const [a] = interpretNode({ op: "Tile", inputs: [input(iota([2, 2])), constant(i64([2, 2]))] });
    expect(a!.shape).toEqual([4, 4]);
    expect(valuesOf(a)).toEqual([0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3]);
    const [b] = interpretNode({ op: "Tile", inputs: [input(iota([2, 2])), constant(i64([0, 3]))] });
    expect(b!.shape).toEqual([0, 6]);
  });

  it("rejects repeats of the wrong length or sign", () => {
    expectNodeError({ op: "Tile", inputs: [input(iota([2, 2])), constant(i64([2]))] }, /one non-negative count per input axis/);
    expectNodeError({ op: "Tile", inputs: [input(iota([2, 2])), constant(i64([2, -1]))] }, /non-negative/);
  });
});

describe("Expand and Tile in C", () => {
  it("match the interpreter for several dtypes, up to rank 8", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "uint16"] as const).flatMap((dtype, i) => [
      { op: "Expand", inputs: [input(seeded(dtype, [3, 1, 2], i)), constant(i64([2, 1, 4, 1]))] },
      { op: "Expand", inputs: [input(seeded(dtype, [1], i + 1)), constant(i64([2, 3]))] },
      { op: "Tile", inputs: [input(seeded(dtype, [2, 3, 1], i + 2)), constant(i64([3, 1, 4]))] },
      { op: "Tile", inputs: [input(seeded(dtype, [2, 1, 2, 1, 2, 1, 2, 2], i + 3)), constant(i64([2, 2, 1, 2, 2, 1, 2, 2]))] },
      { op: "Tile", inputs: [input(seeded(dtype, [], i + 4)), constant(i64([]))] },
    ]);
    expectCasesMatchC(cases);
  });
});
