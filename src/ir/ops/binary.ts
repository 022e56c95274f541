import { isFloat } from "../dtype.js";
import type { OpDef } from "../op.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { domainOf, type CScalarCtx, type ScalarKernel } from "./elementwise/kernel.js";
import { alignLegacyBroadcast, canonicalizeLegacyBroadcast } from "./elementwise/legacy-broadcast.js";
import { isSigned, type TypeClass } from "./elementwise/type-classes.js";

/**
 * Binary elementwise ops with multidirectional (numpy) broadcasting, plus Where.
 * Integer arithmetic wraps modulo 2^bits (computed in an unsigned C type, so no signed-overflow
 * UB); integer division truncates toward zero like C and ONNX, and division by zero gives 0.
 */
const isReal = (cx: CScalarCtx) => domainOf(cx.inputs) === "real";

function binary(name: string, types: TypeClass, kernel: ScalarKernel, output?: "bool"): OpDef {
  return elementwiseOp({
    name,
    family: "binary",
    inputs: { min: 2, max: 2 },
    types: [types],
    ...(output ? { output: () => output } : {}),
    kernel: () => kernel,
    alignShapes: alignLegacyBroadcast,
    canonicalize: canonicalizeLegacyBroadcast,
  });
}

/** An arithmetic op: float form, exact integer form, and the C for both (ints in the wrap type). */
function arithmetic(name: string, op: "+" | "-" | "*", real: (a: number, b: number) => number, integer: (a: bigint, b: bigint) => bigint): OpDef {
  return binary(name, "numeric", {
    id: name.toLowerCase(),
    real: ([a, b]) => real(a!, b!),
    integer: ([a, b]) => integer(a!, b!),
    c: (cx, [a, b]) => (isReal(cx) ? `${a} ${op} ${b}` : `(${cx.wrapType(0)})${a} ${op} (${cx.wrapType(0)})${b}`),
  });
}

const Add = arithmetic("Add", "+", (a, b) => a + b, (a, b) => a + b);
const Sub = arithmetic("Sub", "-", (a, b) => a - b, (a, b) => a - b);
const Mul = arithmetic("Mul", "*", (a, b) => a * b, (a, b) => a * b);

const Div = binary("Div", "numeric", {
  id: "div",
  real: ([a, b]) => a! / b!,
  // Truncating division (BigInt / does); x / 0 is defined as 0 for integers.
  integer: ([a, b]) => (b === 0n ? 0n : a! / b!),
  c: (cx, [a, b]) => {
    if (isReal(cx)) return `${a} / ${b}`;
    if (!isSigned(cx.inputs[0]!)) return `(${b} == 0 ? 0 : ${a} / ${b})`;
    // MIN / -1 overflows in C: negate in the wrap type instead.
    const w = cx.wrapType(0);
    return `(${b} == 0 ? (${w})0 : ${b} == -1 ? (${w})0 - (${w})${a} : (${w})(${a} / ${b}))`;
  },
});

const Pow = elementwiseOp({
  name: "Pow",
  family: "binary",
  inputs: { min: 2, max: 2 },
  types: ["numeric", "numeric"],
  sameType: [],
  kernel: () => powKernel,
  alignShapes: alignLegacyBroadcast,
  canonicalize: canonicalizeLegacyBroadcast,
});

/** Integer pow by squaring modulo 2^64; negative exponents give the truncated real result. */
function intPow(base: bigint, e: bigint): bigint {
  if (e < 0n) return base === 1n ? 1n : base === -1n ? (e % 2n !== 0n ? -1n : 1n) : 0n;
  let r = 1n;
  let b = BigInt.asUintN(64, base);
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = BigInt.asUintN(64, r * b);
    b = BigInt.asUintN(64, b * b);
  }
  return r;
}

const powKernel: ScalarKernel = {
  id: "pow",
  real: ([a, b]) => Math.pow(a!, b!),
  integer: ([a, b]) => intPow(a!, b!),
  c: (cx, [a, b]) => {
    const [x, y] = cx.inputs as [typeof cx.inputs[0], typeof cx.inputs[0]];
    if (isFloat(x) || isFloat(y)) {
      // float32 math only when neither side is double; an integer base computes in double.
      const single = (x === "float32" || x === "float16") && !cx.isDouble(1);
      return single ? `powf(${a}, (float)${b})` : `pow((double)${a}, (double)${b})`;
    }
    const positive = `${cx.helper("ipow_u64")}((uint64_t)${a}, (uint64_t)${b})`;
    if (!isSigned(y)) return positive;
    const negative = isSigned(x) ? `(${a} == 1 ? 1 : ${a} == -1 ? (${b} % 2 != 0 ? -1 : 1) : 0)` : `(${a} == 1 ? 1 : 0)`;
    return `(${b} < 0 ? (uint64_t)${negative} : ${positive})`;
  },
};

function comparison(name: string, types: TypeClass, op: string, test: (a: number | bigint, b: number | bigint) => boolean): OpDef {
  return binary(name, types, {
    id: name.toLowerCase(),
    real: ([a, b]) => (test(a!, b!) ? 1 : 0),
    integer: ([a, b]) => (test(a!, b!) ? 1n : 0n),
    c: (_cx, [a, b]) => `(${a} ${op} ${b})`,
  }, "bool");
}

const Equal = comparison("Equal", "any", "==", (a, b) => a === b);
const Less = comparison("Less", "numeric", "<", (a, b) => a < b);
const Greater = comparison("Greater", "numeric", ">", (a, b) => a > b);
const LessOrEqual = comparison("LessOrEqual", "numeric", "<=", (a, b) => a <= b);
const GreaterOrEqual = comparison("GreaterOrEqual", "numeric", ">=", (a, b) => a >= b);

function logical(name: string, c: (a: string, b: string) => string, test: (a: boolean, b: boolean) => boolean): OpDef {
  const def = binary(name, "bool", {
    id: name.toLowerCase(),
    real: ([a, b]) => (test(a !== 0, b !== 0) ? 1 : 0),
    integer: ([a, b]) => (test(a !== 0n, b !== 0n) ? 1n : 0n),
    c: (_cx, [a, b]) => c(a!, b!),
  });
  return { ...def, dataTypes: "bool" };
}

const And = logical("And", (a, b) => `(${a} && ${b})`, (a, b) => a && b);
const Or = logical("Or", (a, b) => `(${a} || ${b})`, (a, b) => a || b);
const Xor = logical("Xor", (a, b) => `((${a} != 0) != (${b} != 0))`, (a, b) => a !== b);

const Where = elementwiseOp({
  name: "Where",
  family: "binary",
  inputs: { min: 3, max: 3 },
  types: ["bool", "any", "any"],
  sameType: [1, 2],
  output: (_node, dtypes) => dtypes[1]!,
  kernel: () => ({
    id: "where",
    real: ([c, x, y]) => (c !== 0 ? x! : y!),
    integer: ([c, x, y]) => (c !== 0n ? x! : y!),
    c: (_cx, [c, x, y]) => `(${c} ? ${x} : ${y})`,
  }),
});

/** Marks an op whose two operands commute, for the optimizer's matcher. */
const commuting = (op: OpDef): OpDef => ({ ...op, commutative: true });

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const BINARY_OPS: readonly OpDef[] = [commuting(Add), Sub, commuting(Mul), Div, Pow, commuting(Equal), Less, Greater, LessOrEqual, GreaterOrEqual, commuting(And), commuting(Or), commuting(Xor), Where];
