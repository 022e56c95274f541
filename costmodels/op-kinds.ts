import { getOp } from "../src/ir/registry.js";

/**
 * How a cost model prices an op. The kind says which quantity drives the cost:
 * - "alias": the planner shares the input's bytes (Reshape family): no code, no traffic.
 * - "mac": compute-bound kernels priced per multiply-accumulate from `OpDef.macs`.
 * - "elementwise": one computation per output element plus the bytes read and written.
 * - "data": data movement (copies, gathers, transposes) priced per byte moved.
 */
export type OpKind = "alias" | "mac" | "elementwise" | "data";

/** The MAC-driven kernel families; each has its own cycles-per-MAC coefficient in a model. */
export type MacFamily = "conv" | "matmul" | "pool" | "norm" | "reduce" | "softmax" | "rnn" | "resize";

/**
 * Per-element arithmetic classes of elementwise ops (and of activations fused into Conv/Gemm):
 * - "cheap": one ALU/FPU instruction or a compare-and-select (add, max, relu, cast...).
 * - "divide": a divide or square root (14 cycles each on the Cortex-M4 FPU).
 * - "transcendental": a libm call (expf, logf, tanhf, erff, powf...).
 */
export type ElementClass = "cheap" | "divide" | "transcendental";

const MAC_FAMILIES: ReadonlySet<string> = new Set<MacFamily>(["conv", "matmul", "pool", "norm", "reduce", "softmax", "rnn", "resize"]);
const ELEMENTWISE_FAMILIES: ReadonlySet<string> = new Set(["activation", "unary", "binary", "variadic", "cast"]);

const DIVIDE_OPS: ReadonlySet<string> = new Set(["Div", "Mod", "Reciprocal", "Sqrt", "Softsign", "Mean"]);
const TRANSCENDENTAL_OPS: ReadonlySet<string> = new Set([
  "Exp", "Log", "Pow", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
  "Tanh", "Sigmoid", "Softplus", "Elu", "Selu", "Celu", "Mish",
]);

export function opKind(op: string): OpKind {
  const def = getOp(op);
  if (def === undefined) return "data"; // unknown ops: price the bytes they must at least touch
  if (def.alias === true) return "alias";
  if (MAC_FAMILIES.has(def.family) && def.macs !== undefined) return "mac";
  if (ELEMENTWISE_FAMILIES.has(def.family)) return "elementwise";
  return "data";
}

/** The MAC family of a "mac" op (its registry family). */
export function macFamily(op: string): MacFamily {
  const family = getOp(op)?.family ?? "";
  return MAC_FAMILIES.has(family) ? (family as MacFamily) : "conv";
}

export function elementClass(op: string): ElementClass {
  if (TRANSCENDENTAL_OPS.has(op)) return "transcendental";
  if (DIVIDE_OPS.has(op)) return "divide";
  return "cheap";
}
