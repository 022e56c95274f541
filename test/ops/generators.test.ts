import { describe, expect, it } from "vitest";
import { buildGraph, Tensor } from "../../src/index.js";
import { expectCMatchesInterpreter } from "./elementwise-support.js";
import { constant, expectNodeError, i64, input, interpretNode, valuesOf } from "./tensor-support.js";

const scalar = (dtype: "float32" | "int32" | "int64" | "float16" | "int16", v: number) => constant(Tensor.scalar(dtype, v));

describe("Range", () => {
  it("follows the spec's examples and keeps the operands' type", () => {
    const [a] = interpretNode({ op: "Range", inputs: [scalar("int32", 10), scalar("int32", 4), scalar("int32", -3)] });
    expect(a!.dtype).toBe("int32");
    expect(valuesOf(a)).toEqual([10, 7]);
    const [b] = interpretNode({ op: "Range", inputs: [scalar("float32", 3), scalar("float32", 9), scalar("float32", 3)] });
    expect(b!.dtype).toBe("float32");
    expect(valuesOf(b)).toEqual([3, 6]);
    const [h] = interpretNode({ op: "Range", inputs: [scalar("float16", 1), scalar("float16", 2), scalar("float16", 0.25)] });
    expect(h!.dtype).toBe("float16");
    expect(valuesOf(h)).toEqual([1, 1.25, 1.5, 1.75]);
  });
  it("is empty when the limit is behind the start, and exact for int64 beyond 2^53", () => {
    expect(interpretNode({ op: "Range", inputs: [scalar("int16", 5), scalar("int16", 1), scalar("int16", 2)] })[0]!.shape).toEqual([0]);
    const big = 2n ** 60n;
    const [r] = interpretNode({ op: "Range", inputs: [constant(i64([big])), constant(i64([big + 7n])), constant(i64([3]))] });
    expect(Array.from(r!.data as BigInt64Array)).toEqual([big, big + 3n, big + 6n]);
  });
  it("folds into a constant that the generated C uses", () => {
    const x = Tensor.fromNumbers("float32", [4], [1, 2, 3, 4]);
    const graph = buildGraph({
      name: "range_add",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [4] }],
      outputs: ["y"],
      constants: new Map([["s", Tensor.scalar("float32", 0.5)], ["l", Tensor.scalar("float32", 4)], ["d", Tensor.scalar("float32", 1)]]),
      nodes: [
        { name: "r", op: "Range", inputs: ["s", "l", "d"], outputs: ["r"], attrs: {} },
        { name: "add", op: "Add", inputs: ["x", "r"], outputs: ["y"], attrs: {} },
      ],
    });
    expect(graph.nodes.map((n) => n.op)).toEqual(["Add"]);
    expect(valuesOf(graph.constants.get("r"))).toEqual([0.5, 1.5, 2.5, 3.5]);
    expectCMatchesInterpreter(graph, [x]);
  });
  it("refuses run-time operands, a zero delta and mixed types, naming the node", () => {
    expectNodeError({ op: "Range", inputs: [scalar("int32", 0), input(Tensor.scalar("int32", 5)), scalar("int32", 1)] }, /input 1 \("in1", the limit\) must be a compile-time constant \(the output length depends on it\)/);
    expectNodeError({ op: "Range", inputs: [scalar("int32", 0), scalar("int32", 5), scalar("int32", 0)] }, /delta must not be 0/);
    expectNodeError({ op: "Range", inputs: [scalar("int32", 0), scalar("int64", 5), scalar("int32", 1)] }, /must share one type/);
    expectNodeError({ op: "Range", inputs: [scalar("float32", 0), scalar("float32", 1e9), scalar("float32", 1e-3)] }, /more than the limit/);
  });
});

describe("EyeLike", () => {
  it("puts ones on the k-th diagonal, in the input's type or `dtype`", () => {
    const x = input(Tensor.fromNumbers("int32", [3, 4], new Array(12).fill(7)));
    const [a] = interpretNode({ op: "EyeLike", inputs: [x] });
    expect(a!.dtype).toBe("int32");
    expect(valuesOf(a)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    const [b] = interpretNode({ op: "EyeLike", inputs: [x], attrs: { k: 1, dtype: 1 } });
    expect(b!.dtype).toBe("float32");
    expect(valuesOf(b)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const [c] = interpretNode({ op: "EyeLike", inputs: [x], attrs: { k: -2 } });
    expect(valuesOf(c)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });
  it("rejects a non-2-D input and an unknown dtype code", () => {
    expectNodeError({ op: "EyeLike", inputs: [input(Tensor.fromNumbers("float32", [4], [0, 0, 0, 0]))] }, /needs a 2-D input/);
    expectNodeError({ op: "EyeLike", inputs: [input(Tensor.fromNumbers("float32", [1, 1], [0]))], attrs: { dtype: 8 } }, /"dtype" = 8/);
  });
});
