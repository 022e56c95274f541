import { describe, it } from "vitest";
import { Tensor, type DType } from "../../src/index.js";
import { checksGraph, expectCMatchesInterpreter, randomOf, type TestNode } from "./elementwise-support.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";

/** Interpreter vs generated C on seeded random inputs; each test is one C build of many nodes. */
const SANITIZE = { cflags: SANITIZE_CFLAGS };

const unaryOn = (input: string, ops: readonly string[]): TestNode[] => ops.map((op) => ({ name: `${op.toLowerCase()}_${input}`, op, inputs: [input] }));

/** Float special values: NaN, infinities, signed zeros and halves (Round's ties). */
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 0.5, 1.5, 2.5, -0.5, -2.5, 3.7, -3.7];

function floatChecks(dtype: DType): { inputs: Record<string, Tensor>; nodes: TestNode[] } {
  const inputs = {
    a: randomOf(dtype, [3, 4, 5], 1, -3, 3),
    p: randomOf(dtype, [3, 4, 5], 2, 1.1, 4),
    u: randomOf(dtype, [3, 4, 5], 3, -0.9, 0.9),
    z: Tensor.fromNumbers(dtype, [SPECIALS.length], SPECIALS),
    lo: Tensor.scalar(dtype, -0.5),
    hi: Tensor.scalar(dtype, 1.25),
  };
  const nodes: TestNode[] = [
    ...unaryOn("a", ["Exp", "Abs", "Neg", "Floor", "Ceil", "Round", "Sign", "Erf", "Sin", "Cos", "Tan", "Atan", "Sinh", "Cosh", "Asinh"]),
    ...unaryOn("a", ["Relu", "Sigmoid", "HardSwish", "Tanh", "Softplus", "Softsign", "Mish", "Reciprocal"]),
    ...unaryOn("p", ["Log", "Sqrt", "Acosh"]),
    ...unaryOn("u", ["Asin", "Acos", "Atanh"]),
    ...unaryOn("z", ["IsNaN", "IsInf", "Round", "Sign", "Abs", "Relu", "Floor", "Sigmoid"]),
    { name: "isinf_pos", op: "IsInf", inputs: ["z"], attrs: { detect_negative: 0 } },
    { name: "isinf_none", op: "IsInf", inputs: ["z"], attrs: { detect_negative: 0, detect_positive: 0 } },
    { name: "leakyrelu", op: "LeakyRelu", inputs: ["a"], attrs: { alpha: 0.2 } },
    { name: "elu", op: "Elu", inputs: ["a"], attrs: { alpha: 0.7 } },
    { name: "selu", op: "Selu", inputs: ["a"] },
    { name: "celu", op: "Celu", inputs: ["a"], attrs: { alpha: 1.5 } },
    { name: "thresholdedrelu", op: "ThresholdedRelu", inputs: ["a"], attrs: { alpha: 0.3 } },
    { name: "hardsigmoid", op: "HardSigmoid", inputs: ["a"], attrs: { alpha: 0.3, beta: 0.4 } },
    { name: "clip_both", op: "Clip", inputs: ["a", "lo", "hi"] },
    { name: "clip_max", op: "Clip", inputs: ["a", "", "hi"] },
    { name: "clip_min", op: "Clip", inputs: ["a", "lo"] },
  ];
  return { inputs, nodes };
}

describe("elementwise C matches the interpreter: floats", () => {
  it("float32 unary ops and activations", () => {
    const { inputs, nodes } = floatChecks("float32");
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });

  it("float64 unary ops and activations", () => {
    const { inputs, nodes } = floatChecks("float64");
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });

  it("float32 binary, comparison and variadic ops with broadcasting", () => {
    // Small integer values make equality frequent.
    const ints = (shape: number[], seed: number) => Tensor.fromNumbers("float32", shape, randomOf("int32", shape, seed, -3, 4).toNumbers());
    const inputs = {
      a: ints([2, 3, 4, 5], 4),
      b: ints([3, 1, 5], 5),
      c: ints([4, 1], 6),
      s: Tensor.scalar("float32", 1.5),
      r: randomOf("float32", [2, 3, 4, 5], 7, -2, 2),
      slope: randomOf("float32", [3, 1, 1], 8, 0, 1),
      cond: randomOf("bool", [3, 1, 5], 9, -1, 1),
    };
    const pair = (op: string, x: string, y: string): TestNode => ({ name: `${op.toLowerCase()}_${x}${y}`, op, inputs: [x, y] });
    const nodes: TestNode[] = [
      ...["Add", "Sub", "Mul", "Div"].map((op) => pair(op, "a", "b")),
      pair("Sub", "b", "a"),
      pair("Mul", "r", "s"),
      pair("Div", "r", "c"),
      pair("Pow", "r", "b"),
      pair("Pow", "s", "r"),
      ...["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"].map((op) => pair(op, "a", "b")),
      { name: "where", op: "Where", inputs: ["cond", "r", "c"] },
      { name: "prelu", op: "PRelu", inputs: ["r", "slope"] },
      ...["Max", "Min", "Sum", "Mean"].map((op) => ({ name: `${op.toLowerCase()}3`, op, inputs: ["a", "b", "c"] })),
      { name: "max1", op: "Max", inputs: ["r"] },
      { name: "mean4", op: "Mean", inputs: ["r", "s", "b", "r"] },
    ];
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });

  it("float16 computes in float and rounds to half on store", () => {
    const inputs = {
      a: randomOf("float16", [4, 6], 10, -4, 4),
      b: randomOf("float16", [6], 11, -4, 4),
      z: Tensor.fromNumbers("float16", [SPECIALS.length], SPECIALS),
    };
    const nodes: TestNode[] = [
      { name: "add", op: "Add", inputs: ["a", "b"] },
      { name: "mul", op: "Mul", inputs: ["a", "b"] },
      { name: "max", op: "Max", inputs: ["a", "b", "a"] },
      { name: "less", op: "Less", inputs: ["a", "b"] },
      ...unaryOn("a", ["Relu", "Sigmoid", "Exp", "Neg", "Round"]),
      ...unaryOn("z", ["IsNaN", "IsInf", "Abs"]),
      { name: "to_f32", op: "Cast", inputs: ["a"], attrs: { to: 1 } },
      { name: "to_i8", op: "Cast", inputs: ["a"], attrs: { to: 3 } },
    ];
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });

  it("opset 6 legacy broadcasting (Add axis, per-channel PRelu)", () => {
    const inputs = {
      x: randomOf("float32", [2, 3, 4], 12, -2, 2),
      ch: randomOf("float32", [3], 13, 0, 1),
    };
    const nodes: TestNode[] = [
      { name: "add_axis", op: "Add", inputs: ["x", "ch"], attrs: { broadcast: 1, axis: 1 } },
      { name: "prelu_channel", op: "PRelu", inputs: ["x", "ch"] },
    ];
    const { graph, feeds } = checksGraph(inputs, nodes, 6);
    expectCMatchesInterpreter(graph, feeds);
  });
});

const INTS: readonly DType[] = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];
const RANGE: Readonly<Record<string, [number, number]>> = {
  int8: [-128, 128], uint8: [0, 256], int16: [-32768, 32768], uint16: [0, 65536],
  int32: [-(2 ** 31), 2 ** 31], uint32: [0, 2 ** 32], int64: [-(2 ** 40), 2 ** 40], uint64: [0, 2 ** 41],
};

describe("elementwise C matches the interpreter: integers (wrap, no UB)", () => {
  it.each(INTS)("%s arithmetic, division by 0 and -1, pow, comparisons, extremes", (dtype) => {
    const [lo, hi] = RANGE[dtype]!;
    const signed = dtype.startsWith("int");
    const n = 40;
    const a = randomOf(dtype, [n], 20, lo, hi);
    const b = randomOf(dtype, [n], 21, lo, hi);
    // Fixed corner cases up front: MIN / -1, x / 0, 0 / 0.
    a.data[0] = typeof a.data[0] === "bigint" ? (signed ? -(2n ** 63n) : 7n) : signed ? lo : 7;
    b.data[0] = typeof b.data[0] === "bigint" ? (signed ? -1n : 0n) : signed ? -1 : 0;
    b.data[1] = typeof b.data[1] === "bigint" ? 0n : 0;
    a.data[2] = typeof a.data[2] === "bigint" ? 0n : 0;
    b.data[2] = b.data[1]!;
    const inputs = {
      a,
      b,
      c: randomOf(dtype, [4, 1], 22, lo, hi),
      e: randomOf(dtype, [n], 23, signed ? -3 : 0, 40),
      x: randomOf(dtype, [4, n], 24, lo, hi),
      clo: Tensor.scalar(dtype, signed ? -20 : 20),
      chi: Tensor.scalar(dtype, 100),
    };
    const pair = (op: string, x: string, y: string): TestNode => ({ name: `${op.toLowerCase()}_${x}${y}`, op, inputs: [x, y] });
    const nodes: TestNode[] = [
      ...["Add", "Sub", "Mul", "Div", "Equal", "Less", "GreaterOrEqual"].map((op) => pair(op, "a", "b")),
      pair("Mul", "x", "c"),
      pair("Pow", "a", "e"),
      { name: "max3", op: "Max", inputs: ["x", "a", "c"] },
      { name: "min2", op: "Min", inputs: ["a", "b"] },
      { name: "sum3", op: "Sum", inputs: ["a", "b", "x"] },
      { name: "clip", op: "Clip", inputs: ["x", "clo", "chi"] },
      { name: "abs", op: "Abs", inputs: ["a"] },
      { name: "sign", op: "Sign", inputs: ["a"] },
      { name: "to_f32", op: "Cast", inputs: ["a"], attrs: { to: 1 } },
      { name: "to_i8", op: "Cast", inputs: ["a"], attrs: { to: 3 } },
      ...(signed
        ? [
            { name: "neg", op: "Neg", inputs: ["a"] },
            { name: "relu", op: "Relu", inputs: ["a"] },
            { name: "prelu", op: "PRelu", inputs: ["x", "a"] },
          ]
        : []),
    ];
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds, dtype === "int32" || dtype === "int64" ? SANITIZE : {});
  });

  it("bool logic, Not, Equal and Where with broadcasting", () => {
    const inputs = {
      p: randomOf("bool", [3, 4], 30, -1, 1),
      q: randomOf("bool", [4], 31, -1, 1),
      x: randomOf("int32", [3, 1], 32, -100, 100),
      y: randomOf("int32", [4], 33, -100, 100),
    };
    const nodes: TestNode[] = [
      ...["And", "Or", "Xor", "Equal"].map((op) => ({ name: op.toLowerCase(), op, inputs: ["p", "q"] })),
      { name: "not", op: "Not", inputs: ["p"] },
      { name: "where", op: "Where", inputs: ["p", "x", "y"] },
      { name: "where_bool", op: "Where", inputs: ["q", "p", "q"] },
    ];
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds);
  });
});

describe("Cast C matches the interpreter for every type pair family", () => {
  it("float32/float64/float16/int32/uint64/bool to every type, out-of-range floats saturate", () => {
    const big = [NaN, Infinity, -Infinity, 1e20, -1e20, 3e9, -3e9, 70000, -70000, 300, -300, 2.5, -2.5, 0.99, -0.99, 0];
    const inputs = {
      f32: Tensor.fromNumbers("float32", [big.length], big),
      f64: Tensor.fromNumbers("float64", [big.length], big),
      f16: randomOf("float16", [16], 40, -300, 300),
      i32: randomOf("int32", [16], 41, -(2 ** 31), 2 ** 31),
      u64: randomOf("uint64", [16], 42, 0, 2 ** 50),
      b: randomOf("bool", [16], 43, -1, 1),
    };
    // ONNX TensorProto codes of the 12 supported types.
    const codes = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13];
    const nodes: TestNode[] = Object.keys(inputs).flatMap((src) =>
      codes.map((to) => ({ name: `${src}_to_${to}`, op: "Cast", inputs: [src], attrs: { to } })),
    );
    const { graph, feeds } = checksGraph(inputs, nodes);
    expectCMatchesInterpreter(graph, feeds, SANITIZE);
  });
});
