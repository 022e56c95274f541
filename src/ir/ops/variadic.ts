import type { OpDef } from "../op.js";
import { computeSuffix } from "./elementwise/c-helpers.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { domainOf, type ScalarKernel } from "./elementwise/kernel.js";
import type { TypeClass } from "./elementwise/type-classes.js";

/**
 * Variadic elementwise ops over 1..N broadcast inputs. One C function per arity: the N-ary
 * expression is computed in one pass (no intermediate rounding between inputs).
 */
const MAX_INPUTS = 2147483647;

function variadic(name: string, types: TypeClass, kernel: (arity: number) => ScalarKernel): OpDef {
  return elementwiseOp({
    name,
    family: "variadic",
    inputs: { min: 1, max: MAX_INPUTS },
    types: [types],
    kernel: (_node, dtypes) => kernel(dtypes.length),
  });
}

/** Max/Min fold with a two-argument C helper; float NaN propagates (like numpy maximum). */
function extremum(name: "Max" | "Min"): OpDef {
  const which = name === "Max" ? "max" : "min";
  const pick = name === "Max" ? (a: number, b: number) => (a > b || Number.isNaN(a) ? a : b) : (a: number, b: number) => (a < b || Number.isNaN(a) ? a : b);
  return variadic(name, "numeric", (arity) => ({
    id: `${which}${arity}`,
    real: (xs) => xs.reduce(pick),
    integer: (xs) => xs.reduce((a, b) => ((name === "Max" ? a > b : a < b) ? a : b)),
    c: (cx, v) => {
      if (v.length === 1) return v[0]!;
      const fn = cx.helper(`${which}_${computeSuffix(cx.inputs[0]!)}`);
      return v.slice(1).reduce((acc, x) => `${fn}(${acc}, ${x})`, v[0]!);
    },
  }));
}

const Max = extremum("Max");
const Min = extremum("Min");

// Integer Sum wraps modulo 2^bits (added in the unsigned wrap type).
const Sum = variadic("Sum", "numeric", (arity) => ({
  id: `sum${arity}`,
  real: (xs) => xs.reduce((a, b) => a + b),
  integer: (xs) => xs.reduce((a, b) => a + b),
  c: (cx, v) => (domainOf(cx.inputs) === "real" ? v.join(" + ") : v.map((x) => `(${cx.wrapType(0)})${x}`).join(" + ")),
}));

const Mean = variadic("Mean", "float", (arity) => ({
  id: `mean${arity}`,
  real: (xs) => xs.reduce((a, b) => a + b) / arity,
  c: (cx, v) => `(${v.join(" + ")}) / ${cx.lit(arity)}`,
}));

// Operand order never changes the result: the optimizer's matcher may swap two operands.
/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const VARIADIC_OPS: readonly OpDef[] = [Max, Min, Sum, Mean].map((op) => ({ ...op, commutative: true }));
