import { describe, expect, it } from "vitest";
import { buildGraph, compile, runGraph, Tensor } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";

const shapeOf = (op: string, x: Tensor, attrs: Record<string, number | number[]>, opset = 17, extra?: Tensor) =>
  interpretNode({ op, inputs: [input(x), ...(extra ? [constant(extra)] : [])], attrs }, opset)[0]!.shape;

describe("Reshape", () => {
  const x = iota([2, 3, 4]);
  it.each([
    [[4, 2, 3], [4, 2, 3]],
    [[2, 12], [2, 12]],
    [[2, 3, 2, 2], [2, 3, 2, 2]],
    [[24], [24]],
    [[2, -1, 2], [2, 6, 2]],
    [[-1, 2, 3, 4], [1, 2, 3, 4]],
    [[2, 0, 4, 1], [2, 3, 4, 1]],
    [[2, 0, 1, -1], [2, 3, 1, 4]],
  ])("spec example: shape %j gives %j with the same element order", (spec, want) => {
    const [y] = interpretNode({ op: "Reshape", inputs: [input(x), constant(i64(spec))] });
    expect(y!.shape).toEqual(want);
    expect(valuesOf(y)).toEqual(valuesOf(x));
  });

  it("allowzero=1 keeps a literal 0 (empty tensor)", () => {
    expect(shapeOf("Reshape", iota([0, 3, 4]), { allowzero: 1 }, 14, i64([3, 4, 0]))).toEqual([3, 4, 0]);
  });

  it("opset 1-4 reads the shape attribute", () => {
    expect(shapeOf("Reshape", x, { shape: [6, 4] }, 4)).toEqual([6, 4]);
  });

  it("rejects an incompatible size, two -1 and a computed shape, naming the node", () => {
    expectNodeError({ op: "Reshape", inputs: [input(x), constant(i64([5, 5]))] }, /24 elements.*25 elements/);
    expectNodeError({ op: "Reshape", inputs: [input(x), constant(i64([-1, -1]))] }, /more than one -1/);
    expectNodeError({ op: "Reshape", inputs: [input(x), constant(i64([5, -1]))] }, /cannot infer the -1/);
    expectNodeError({ op: "Reshape", inputs: [input(x), input(i64([24]))] }, /compile-time constant/);
  });
});

describe("Flatten, Squeeze, Unsqueeze", () => {
  const x = iota([2, 3, 4, 5]);
  it.each([
    [0, [1, 120]],
    [1, [2, 60]],
    [2, [6, 20]],
    [4, [120, 1]],
    [-1, [24, 5]],
    [-4, [1, 120]],
  ])("Flatten axis %i gives %j", (axis, want) => {
    expect(shapeOf("Flatten", x, { axis })).toEqual(want);
  });

  it("Squeeze with axes (attribute before opset 13, input since), negative axes, and without axes", () => {
    const y = iota([1, 3, 1, 5]);
    expect(shapeOf("Squeeze", y, { axes: [0] }, 11)).toEqual([3, 1, 5]);
    expect(shapeOf("Squeeze", y, {}, 13, i64([-2]))).toEqual([1, 3, 5]);
    expect(shapeOf("Squeeze", y, {})).toEqual([3, 5]);
  });

  it("Unsqueeze inserts axes in output coordinates, in any order", () => {
    const y = iota([3, 4, 5]);
    expect(shapeOf("Unsqueeze", y, { axes: [5, 4, 2] }, 11)).toEqual([3, 4, 1, 5, 1, 1]);
    expect(shapeOf("Unsqueeze", y, {}, 13, i64([0, 4]))).toEqual([1, 3, 4, 5, 1]);
    expect(shapeOf("Unsqueeze", y, {}, 13, i64([-1]))).toEqual([3, 4, 5, 1]);
    expect(shapeOf("Unsqueeze", Tensor.scalar("float32", 7), {}, 13, i64([0]))).toEqual([1]);
  });

  it("rejects squeezing a non-1 axis, duplicate axes and out-of-range axes", () => {
    expectNodeError({ op: "Squeeze", inputs: [input(x), constant(i64([1]))] }, /size is 3, not 1/);
    expectNodeError({ op: "Unsqueeze", inputs: [input(x), constant(i64([1, -5]))] }, /same axis twice/);
    expectNodeError({ op: "Flatten", inputs: [input(x)], attrs: { axis: 5 } }, /out of range/);
  });
});

describe("Dropout (inference)", () => {
  it("is the identity with an all-true bool mask (opset 12+)", () => {
    const x = seeded("float32", [3, 4], 1);
    const [y, mask] = interpretNode({ op: "Dropout", inputs: [input(x)], attrs: { ratio: 0.3 }, outputs: 2 }, 13);
    expect(valuesOf(y)).toEqual(valuesOf(x));
    expect(mask!.dtype).toBe("bool");
    expect(valuesOf(mask)).toEqual(new Array(12).fill(1));
  });

  it("accepts constant ratio/training_mode inputs; training with ratio 0 is the identity", () => {
    const x = seeded("float32", [5], 2);
    const ratio = Tensor.scalar("float32", 0);
    const training = Tensor.scalar("bool", 1);
    const [y] = interpretNode({ op: "Dropout", inputs: [input(x), constant(ratio), constant(training)] }, 13);
    expect(valuesOf(y)).toEqual(valuesOf(x));
  });

  it("rejects training mode with a non-zero ratio and computed ratios", () => {
    const x = seeded("float32", [5], 3);
    expectNodeError({ op: "Dropout", inputs: [input(x), constant(Tensor.scalar("float32", 0.5)), constant(Tensor.scalar("bool", 1))] }, /training dropout is random/);
    expectNodeError({ op: "Dropout", inputs: [input(x), input(Tensor.scalar("float32", 0.5))] }, /compile-time constant/);
  });

  it("before opset 10 the mask has the input's type", () => {
    const [, mask] = interpretNode({ op: "Dropout", inputs: [input(iota([2], "float32"))], outputs: 2 }, 7);
    expect(mask!.dtype).toBe("float32");
    expect(valuesOf(mask)).toEqual([1, 1]);
  });
});

describe("reshape family in C", () => {
  it("matches the interpreter for several dtypes (graph outputs are copies)", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "int8", "float64"] as const).flatMap((dtype, i) => [
      { op: "Reshape", inputs: [input(seeded(dtype, [2, 3, 4], i)), constant(i64([4, -1]))] },
      { op: "Flatten", inputs: [input(seeded(dtype, [2, 3, 4], i + 10))], attrs: { axis: 2 } },
      { op: "Squeeze", inputs: [input(seeded(dtype, [1, 3, 1], i + 20)), constant(i64([0]))] },
      { op: "Unsqueeze", inputs: [input(seeded(dtype, [3], i + 30)), constant(i64([0, 2]))] },
      { op: "Dropout", inputs: [input(seeded(dtype === "bool" ? "float32" : dtype, [2, 5], i + 40))], outputs: 2 },
      { op: "Dropout", inputs: [input(seeded(dtype === "bool" ? "float32" : dtype, [4], i + 50))], outputs: [true, false] },
    ]);
    expectCasesMatchC(cases, 13);
  });

  it("Dropout's type-like-input mask of opset 7 is written in the input's encoding", () => {
    const outs = expectCasesMatchC(
      (["float32", "float16", "int32", "float64"] as const).map((dtype, i) => ({ op: "Dropout", inputs: [input(seeded(dtype, [3], i))], outputs: 2 })),
      7,
    );
    expect(valuesOf(outs[1]![1])).toEqual([1, 1, 1]);
  });

  it("an interior reshape chain aliases its input: no code and no arena buffer", () => {
    const graph = buildGraph({
      name: "alias",
      opset: 13,
      inputs: [{ name: "x", dtype: "int64", dims: [2, 3, 4] }],
      outputs: ["z"],
      constants: new Map([["s", i64([6, 4])]]),
      nodes: [
        { name: "t1", op: "Transpose", inputs: ["x"], outputs: ["a"], attrs: { perm: [1, 0, 2] } },
        { name: "r", op: "Reshape", inputs: ["a", "s"], outputs: ["b"], attrs: {} },
        { name: "u", op: "Unsqueeze", inputs: ["b"], outputs: ["c"], attrs: { axes: [0] } },
        { name: "f", op: "Flatten", inputs: ["c"], outputs: ["d"], attrs: { axis: 2 } },
        { name: "t2", op: "Transpose", inputs: ["d"], outputs: ["z"], attrs: {} },
      ],
    });
    const summary = compile(graph).summary;
    expect(summary.kernelCalls).toBe(2);
    expect(summary.arenaBytes).toBe(2 * 3 * 4 * 8);
    const x = seeded("int64", [2, 3, 4], 9);
    const [ref] = runGraph(graph, [x]);
    const [got] = compileAndRun(graph, [x]);
    expect(Array.from(got!.bytes())).toEqual(Array.from(ref!.bytes()));
  });
});
