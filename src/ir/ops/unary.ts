import { attrInt, checkOneOf } from "../attrs.js";
import type { OpDef } from "../op.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { domainOf, type CScalarCtx, type ScalarKernel } from "./elementwise/kernel.js";
import { erf, roundHalfEven } from "./elementwise/real-math.js";
import { isSigned, type TypeClass } from "./elementwise/type-classes.js";

/** Unary math ops. Float ones compute with float32 math for float32/float16 and double math for float64. */
function unary(name: string, types: TypeClass, kernel: Omit<ScalarKernel, "id">, output?: "bool"): OpDef {
  return elementwiseOp({
    name,
    family: "unary",
    types: [types],
    ...(output ? { output: () => output } : {}),
    kernel: () => ({ id: name.toLowerCase(), ...kernel }),
  });
}

/** A float-only op that is one math.h function (expf/exp, ...). */
function mathFn(name: string, cName: string, real: (x: number) => number): OpDef {
  return unary(name, "float", { real: ([x]) => real(x!), c: (cx, [x]) => `${cx.math(cName)}(${x})` });
}

const isReal = (cx: CScalarCtx) => domainOf(cx.inputs) === "real";

const Exp = mathFn("Exp", "exp", Math.exp);
const Log = mathFn("Log", "log", Math.log);
const Sqrt = mathFn("Sqrt", "sqrt", Math.sqrt);
const Floor = mathFn("Floor", "floor", Math.floor);
const Ceil = mathFn("Ceil", "ceil", Math.ceil);
const Erf = mathFn("Erf", "erf", erf);
const Sin = mathFn("Sin", "sin", Math.sin);
const Cos = mathFn("Cos", "cos", Math.cos);
const Tan = mathFn("Tan", "tan", Math.tan);
const Asin = mathFn("Asin", "asin", Math.asin);
const Acos = mathFn("Acos", "acos", Math.acos);
const Atan = mathFn("Atan", "atan", Math.atan);
const Sinh = mathFn("Sinh", "sinh", Math.sinh);
const Cosh = mathFn("Cosh", "cosh", Math.cosh);
const Asinh = mathFn("Asinh", "asinh", Math.asinh);
const Acosh = mathFn("Acosh", "acosh", Math.acosh);
const Atanh = mathFn("Atanh", "atanh", Math.atanh);

const Reciprocal = unary("Reciprocal", "float", { real: ([x]) => 1 / x!, c: (cx, [x]) => `${cx.lit(1)} / ${x}` });

const Round = unary("Round", "float", {
  real: ([x]) => roundHalfEven(x!),
  c: (cx, [x]) => `${cx.helper(cx.isDouble(0) ? "round_even_f64" : "round_even_f32")}(${x})`,
});

// Integer Abs/Neg wrap (|INT_MIN| = INT_MIN) by computing in the unsigned wrap type.
const Abs = unary("Abs", "numeric", {
  real: ([x]) => Math.abs(x!),
  integer: ([x]) => (x! < 0n ? -x! : x!),
  c: (cx, [x]) => {
    if (isReal(cx)) return `${cx.math("fabs")}(${x})`;
    if (!isSigned(cx.inputs[0]!)) return x!;
    const w = cx.wrapType(0);
    return `(${x} < 0 ? (${w})0 - (${w})${x} : (${w})${x})`;
  },
});

const Neg = unary("Neg", "signed", {
  real: ([x]) => -x!,
  integer: ([x]) => -x!,
  c: (cx, [x]) => (isReal(cx) ? `-${x}` : `(${cx.wrapType(0)})0 - (${cx.wrapType(0)})${x}`),
});

// Sign(NaN) is NaN, Sign(+-0) is 0, like numpy.
const Sign = unary("Sign", "numeric", {
  real: ([x]) => (x! > 0 ? 1 : x! < 0 ? -1 : x!),
  integer: ([x]) => (x! > 0n ? 1n : x! < 0n ? -1n : 0n),
  c: (cx, [x]) => {
    if (isReal(cx)) return `(${x} > 0 ? ${cx.lit(1)} : ${x} < 0 ? ${cx.lit(-1)} : ${x})`;
    return isSigned(cx.inputs[0]!) ? `((${x} > 0) - (${x} < 0))` : `(${x} > 0)`;
  },
});

const Not: OpDef = {
  ...unary("Not", "bool", {
    real: ([x]) => (x === 0 ? 1 : 0),
    integer: ([x]) => (x === 0n ? 1n : 0n),
    c: (_cx, [x]) => `!${x}`,
  }),
  dataTypes: "bool",
};

const IsNaN = unary("IsNaN", "float", { real: ([x]) => (Number.isNaN(x!) ? 1 : 0), c: (_cx, [x]) => `(${x} != ${x})` }, "bool");

const IsInf = elementwiseOp({
  name: "IsInf",
  family: "unary",
  types: ["float"],
  output: () => "bool",
  kernel: (node) => {
    const positive = checkOneOf(node, "detect_positive", attrInt(node, "detect_positive", 1), [0, 1]) === 1;
    const negative = checkOneOf(node, "detect_negative", attrInt(node, "detect_negative", 1), [0, 1]) === 1;
    return {
      id: `isinf_${positive ? "p" : ""}${negative ? "n" : ""}`,
      real: ([x]) => ((positive && x === Infinity) || (negative && x === -Infinity) ? 1 : 0),
      c: (_cx, [x]) => {
        if (positive && negative) return `isinf(${x})`;
        if (positive) return `(${x} == INFINITY)`;
        if (negative) return `(${x} == -INFINITY)`;
        return `((void)${x}, 0)`;
      },
    };
  },
});

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const UNARY_OPS: readonly OpDef[] = [
  Exp, Log, Sqrt, Floor, Ceil, Erf, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh,
  Reciprocal, Round, Abs, Neg, Sign, Not, IsNaN, IsInf,
];
