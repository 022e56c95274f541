import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type AttrValue } from "../../src/index.js";
import { singleNodeGraph } from "../support/graphs.js";
import { values } from "./elementwise-support.js";

/** Runs one node through the interpreter (all inputs fed at run time). */
function run(op: string, inputs: readonly Tensor[], attrs: Record<string, AttrValue> = {}, opset = 17): Tensor {
  const { graph, feeds } = singleNodeGraph(op, inputs.map((value) => ({ value })), attrs, 1, opset);
  return runGraph(graph, feeds)[0]!;
}

const f32 = (v: readonly number[], shape = [v.length]) => Tensor.fromNumbers("float32", shape, v);
const close = (got: Tensor, want: readonly number[]) => values(got).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));

describe("activation known values (ONNX spec examples)", () => {
  const x = f32([-1, 0, 1]);
  it("Relu, LeakyRelu, Elu, Selu, Celu, ThresholdedRelu", () => {
    expect(values(run("Relu", [x]))).toEqual([0, 0, 1]);
    close(run("LeakyRelu", [x], { alpha: 0.1 }), [-0.1, 0, 1]);
    close(run("Elu", [x], { alpha: 2 }), [-1.2642411, 0, 1]);
    close(run("Selu", [x], { alpha: 2, gamma: 3 }), [-3.79272318, 0, 3]);
    close(run("Celu", [f32([-1, 0, 2])], { alpha: 2 }), [-0.78693868, 0, 2]);
    close(run("ThresholdedRelu", [f32([-1.5, 0, 1.2, 2, 2.2])], { alpha: 2 }), [0, 0, 0, 0, 2.2]);
  });
  it("Sigmoid, HardSigmoid, HardSwish, Tanh, Softplus, Softsign, Mish", () => {
    close(run("Sigmoid", [x]), [0.26894142, 0.5, 0.73105858]);
    close(run("HardSigmoid", [x], { alpha: 0.5, beta: 0.6 }), [0.1, 0.6, 1]);
    close(run("HardSwish", [f32([-4, -1, 0, 1, 4])]), [0, -0.33333333, 0, 0.66666667, 4]);
    close(run("Tanh", [x]), [-0.76159416, 0, 0.76159416]);
    close(run("Softplus", [f32([-1, 0, 1, 100])]), [0.31326169, 0.69314718, 1.31326169, 100]);
    close(run("Softsign", [x]), [-0.5, 0, 0.5]);
    close(run("Mish", [x]), [-0.30340147, 0, 0.86509839]);
  });
  it("PRelu broadcasts the slope onto X", () => {
    const out = run("PRelu", [f32([-2, -1, 3, -4], [2, 2]), f32([0.5, 2])]);
    expect(values(out)).toEqual([-1, -2, 3, -8]);
  });
  it("Clip by attributes (opset 6), by inputs, with one bound, and on int8", () => {
    const v = f32([-2, 0, 2]);
    expect(values(run("Clip", [v], { min: -1, max: 1 }, 6))).toEqual([-1, 0, 1]);
    expect(values(run("Clip", [v, f32([-1], []), f32([1], [])]))).toEqual([-1, 0, 1]);
    const { graph, feeds } = singleNodeGraph("Clip", [{ value: v }, undefined, { value: f32([1], []) }]);
    expect(values(runGraph(graph, feeds)[0])).toEqual([-2, 0, 1]);
    const i8 = Tensor.fromNumbers("int8", [3], [-128, 5, 127]);
    const out = run("Clip", [i8, Tensor.scalar("int8", -10), Tensor.scalar("int8", 10)]);
    expect(out.dtype).toBe("int8");
    expect(values(out)).toEqual([-10, 5, 10]);
  });
});

describe("unary known values", () => {
  it("Round is half to even", () => {
    const x = f32([0.1, 0.5, 0.9, 1.2, 1.5, 1.8, 2.3, 2.5, 2.7, -1.1, -1.5, -1.9, -2.2, -2.5, -2.8]);
    expect(values(run("Round", [x]))).toEqual([0, 0, 1, 1, 2, 2, 2, 2, 3, -1, -2, -2, -2, -2, -3]);
  });
  it("Floor, Ceil, Sign, Abs, Reciprocal, Erf, Sqrt", () => {
    const x = f32([-1.5, 0, 1.2]);
    expect(values(run("Floor", [x]))).toEqual([-2, 0, 1]);
    expect(values(run("Ceil", [x]))).toEqual([-1, 0, 2]);
    expect(values(run("Sign", [x]))).toEqual([-1, 0, 1]);
    close(run("Abs", [x]), [1.5, 0, 1.2]);
    close(run("Reciprocal", [f32([-4, 2])]), [-0.25, 0.5]);
    close(run("Erf", [f32([-1, 0, 0.5, 3])]), [-0.84270079, 0, 0.52049988, 0.99997791]);
    close(run("Sqrt", [f32([1, 4, 9])]), [1, 2, 3]);
  });
  it("integer Abs and Neg wrap like two's complement", () => {
    const x = Tensor.fromNumbers("int8", [3], [-128, -5, 7]);
    expect(values(run("Abs", [x]))).toEqual([-128, 5, 7]);
    expect(values(run("Neg", [x]))).toEqual([-128, 5, -7]);
    expect(values(run("Sign", [Tensor.fromNumbers("int64", [3], [-9, 0, 4])]))).toEqual([-1, 0, 1]);
  });
  it("IsNaN, IsInf (with detect flags), Not", () => {
    const x = f32([-Infinity, -1, NaN, Infinity]);
    expect(values(run("IsNaN", [x]))).toEqual([0, 0, 1, 0]);
    expect(values(run("IsInf", [x]))).toEqual([1, 0, 0, 1]);
    expect(values(run("IsInf", [x], { detect_negative: 0 }))).toEqual([0, 0, 0, 1]);
    expect(values(run("IsInf", [x], { detect_positive: 0 }))).toEqual([1, 0, 0, 0]);
    expect(values(run("Not", [Tensor.fromNumbers("bool", [2], [0, 1])]))).toEqual([1, 0]);
  });
});

describe("binary known values", () => {
  it("uint8 Add/Sub/Mul wrap modulo 256", () => {
    const a = Tensor.fromNumbers("uint8", [3], [250, 3, 16]);
    const b = Tensor.fromNumbers("uint8", [3], [10, 5, 17]);
    expect(values(run("Add", [a, b]))).toEqual([4, 8, 33]);
    expect(values(run("Sub", [a, b]))).toEqual([240, 254, 255]);
    expect(values(run("Mul", [a, b]))).toEqual([196, 15, 16]);
  });
  it("integer Div truncates toward zero; x/0 is 0; INT_MIN/-1 wraps", () => {
    const a = Tensor.fromNumbers("int32", [4], [-7, 7, 5, -2147483648]);
    const b = Tensor.fromNumbers("int32", [4], [2, -2, 0, -1]);
    expect(values(run("Div", [a, b]))).toEqual([-3, -3, 0, -2147483648]);
  });
  it("int64 arithmetic stays exact beyond 2^53", () => {
    const a = new Tensor("int64", [1], BigInt64Array.from([9007199254740993n]));
    const b = new Tensor("int64", [1], BigInt64Array.from([2n]));
    expect(run("Add", [a, b]).data[0]).toBe(9007199254740995n);
    expect(run("Mul", [a, b]).data[0]).toBe(18014398509481986n);
  });
  it("Pow with float and integer operands (output has the base's type)", () => {
    close(run("Pow", [f32([1, 2, 3]), f32([4, 5, 6])]), [1, 32, 729]);
    const i = Tensor.fromNumbers("int32", [3], [1, 2, 3]);
    expect(values(run("Pow", [i, Tensor.fromNumbers("int64", [3], [4, 5, 6])]))).toEqual([1, 32, 729]);
    const fromFloat = run("Pow", [i, f32([4, 5, 6])]);
    expect(fromFloat.dtype).toBe("int32");
    expect(values(fromFloat)).toEqual([1, 32, 729]);
    expect(values(run("Pow", [Tensor.fromNumbers("int32", [3], [2, -1, 1]), Tensor.fromNumbers("int32", [3], [-1, -3, -5])]))).toEqual([0, -1, 1]);
  });
  it("comparisons broadcast and return bool", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = f32([2, 2, 2]);
    const eq = run("Equal", [a, b]);
    expect(eq.dtype).toBe("bool");
    expect(values(eq)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(values(run("Less", [a, b]))).toEqual([1, 0, 0, 0, 0, 0]);
    expect(values(run("GreaterOrEqual", [a, b]))).toEqual([0, 1, 1, 1, 1, 1]);
  });
  it("And/Or/Xor on bool with broadcasting", () => {
    const a = Tensor.fromNumbers("bool", [2, 2], [0, 0, 1, 1]);
    const b = Tensor.fromNumbers("bool", [2], [0, 1]);
    expect(values(run("And", [a, b]))).toEqual([0, 0, 0, 1]);
    expect(values(run("Or", [a, b]))).toEqual([0, 1, 1, 1]);
    expect(values(run("Xor", [a, b]))).toEqual([0, 1, 1, 0]);
  });
  it("Where (the spec's long example, int64)", () => {
    const cond = Tensor.fromNumbers("bool", [2, 2], [1, 0, 1, 1]);
    const x = Tensor.fromNumbers("int64", [2, 2], [1, 2, 3, 4]);
    const y = Tensor.fromNumbers("int64", [2, 2], [9, 8, 7, 6]);
    const out = run("Where", [cond, x, y]);
    expect(out.dtype).toBe("int64");
    expect(values(out)).toEqual([1, 8, 3, 4]);
  });
  it("opset 6 Add with broadcast=1 and axis aligns B at the axis", () => {
    const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
    const out = run("Add", [a, f32([10, 20])], { broadcast: 1, axis: 0 }, 6);
    expect(values(out)).toEqual([11, 12, 13, 24, 25, 26]);
  });
});

describe("variadic known values", () => {
  const a = f32([3, 2, 1]);
  const b = f32([1, 4, 4]);
  const c = f32([2, 5, 3]);
  it("Max, Min, Sum, Mean over three inputs", () => {
    expect(values(run("Max", [a, b, c]))).toEqual([3, 5, 4]);
    expect(values(run("Min", [a, b, c]))).toEqual([1, 2, 1]);
    expect(values(run("Sum", [a, b, c]))).toEqual([6, 11, 8]);
    close(run("Mean", [a, b, c]), [2, 3.6666667, 2.6666667]);
  });
  it("one input is the identity; inputs broadcast", () => {
    expect(values(run("Sum", [a]))).toEqual([3, 2, 1]);
    expect(values(run("Max", [f32([1, 5], [2, 1]), a]))).toEqual([3, 2, 1, 5, 5, 5]);
  });
});

describe("Cast known values", () => {
  it("float -> int truncates toward zero and saturates; NaN -> 0", () => {
    const x = f32([-1.7, 1.7, 300, -300, NaN]);
    expect(values(run("Cast", [x], { to: 3 }))).toEqual([-1, 1, 127, -128, 0]);
    expect(values(run("Cast", [x], { to: 2 }))).toEqual([0, 1, 255, 0, 0]);
  });
  it("float -> float16 rounds to nearest even; int -> bool is x != 0", () => {
    const h = run("Cast", [f32([1, 1 + 2 ** -11, 65520, 1e-8])], { to: 10 });
    expect(values(h)).toEqual([1, 1, Infinity, 0]);
    expect(values(run("Cast", [Tensor.fromNumbers("int32", [3], [0, -3, 8])], { to: 9 }))).toEqual([0, 1, 1]);
  });
});
