import { fail } from "../../errors.js";
import { attrFloat, hasAttr, withAttrs } from "../attrs.js";
import { isFloat, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { elementwiseOp } from "./elementwise/define-op.js";
import { domainOf, paramId, type CScalarCtx, type ScalarKernel } from "./elementwise/kernel.js";
import { alignLegacyBroadcast, LEGACY_AXIS } from "./elementwise/legacy-broadcast.js";
import { cFmax, cFmin, softplus } from "./elementwise/real-math.js";
import type { TypeClass } from "./elementwise/type-classes.js";

/**
 * Activation functions. Attribute values (alpha, beta...) are baked into the C expression as
 * literals, and into the kernel id so nodes with different values get different functions.
 */
function activation(name: string, types: TypeClass, kernel: (node: Node, dtypes: readonly DType[]) => ScalarKernel): OpDef {
  return elementwiseOp({ name, family: "activation", types: [types], kernel });
}

/** A float-only activation with float attributes (read with their ONNX defaults). */
function floatActivation(
  name: string,
  attrs: Readonly<Record<string, number>>,
  real: (x: number, p: readonly number[]) => number,
  c: (cx: CScalarCtx, x: string, p: readonly string[]) => string,
): OpDef {
  return activation(name, "float", (node) => {
    const params = Object.entries(attrs).map(([attr, dflt]) => attrFloat(node, attr, dflt));
    return {
      id: params.length ? paramId(name.toLowerCase(), params) : name.toLowerCase(),
      real: ([x]) => real(x!, params),
      c: (cx, [x]) => c(cx, x!, params.map((p) => cx.lit(p))),
    };
  });
}

const isReal = (cx: CScalarCtx) => domainOf(cx.inputs) === "real";

/** Relu also accepts signed integers (opset 14). */
const Relu = activation("Relu", "signed", () => ({
  id: "relu",
  real: ([x]) => (x! > 0 ? x! : 0),
  integer: ([x]) => (x! > 0n ? x! : 0n),
  c: (cx, [x]) => `(${x} > 0 ? ${x} : ${cx.lit(0)})`,
}));

const LeakyRelu = floatActivation("LeakyRelu", { alpha: 0.01 }, (x, [a]) => (x < 0 ? a! * x : x), (_cx, x, [a]) => `(${x} < 0 ? ${a} * ${x} : ${x})`);

const Elu = floatActivation("Elu", { alpha: 1 }, (x, [a]) => (x < 0 ? a! * (Math.exp(x) - 1) : x), (cx, x, [a]) =>
  `(${x} < 0 ? ${a} * (${cx.math("exp")}(${x}) - ${cx.lit(1)}) : ${x})`);

const Selu = floatActivation(
  "Selu",
  { alpha: 1.67326319217681884765625, gamma: 1.05070102214813232421875 },
  (x, [a, g]) => (x > 0 ? g! * x : g! * (a! * Math.exp(x) - a!)),
  (cx, x, [a, g]) => `(${x} > 0 ? ${g} * ${x} : ${g} * (${a} * ${cx.math("exp")}(${x}) - ${a}))`,
);

const Celu = floatActivation(
  "Celu",
  { alpha: 1 },
  (x, [a]) => cFmax(0, x) + cFmin(0, a! * (Math.exp(x / a!) - 1)),
  (cx, x, [a]) => `${cx.math("fmax")}(${cx.lit(0)}, ${x}) + ${cx.math("fmin")}(${cx.lit(0)}, ${a} * (${cx.math("exp")}(${x} / ${a}) - ${cx.lit(1)}))`,
);

/** Shrink: x + bias below -lambd, x - bias above lambd, 0 in between. */
const Shrink = floatActivation(
  "Shrink",
  { lambd: 0.5, bias: 0 },
  (x, [l, b]) => (x < -l! ? x + b! : x > l! ? x - b! : 0),
  (cx, x, [l, b]) => `(${x} < -(${l}) ? ${x} + ${b} : ${x} > ${l} ? ${x} - ${b} : ${cx.lit(0)})`,
);

const ThresholdedRelu = floatActivation("ThresholdedRelu", { alpha: 1 }, (x, [a]) => (x > a! ? x : 0), (cx, x, [a]) => `(${x} > ${a} ? ${x} : ${cx.lit(0)})`);

const Sigmoid = floatActivation("Sigmoid", {}, (x) => 1 / (1 + Math.exp(-x)), (cx, x) => `${cx.lit(1)} / (${cx.lit(1)} + ${cx.math("exp")}(-${x}))`);

// HardSigmoid/HardSwish clamp with fmin/fmax (a NaN input gives 1 here and in the reference).
const HardSigmoid = floatActivation(
  "HardSigmoid",
  { alpha: 0.2, beta: 0.5 },
  (x, [a, b]) => cFmax(0, cFmin(1, a! * x + b!)),
  (cx, x, [a, b]) => `${cx.math("fmax")}(${cx.lit(0)}, ${cx.math("fmin")}(${cx.lit(1)}, ${a} * ${x} + ${b}))`,
);

const HardSwish = floatActivation(
  "HardSwish",
  {},
  (x) => x * cFmax(0, cFmin(1, x / 6 + 0.5)),
  (cx, x) => `${x} * ${cx.math("fmax")}(${cx.lit(0)}, ${cx.math("fmin")}(${cx.lit(1)}, ${x} * ${cx.lit(1 / 6)} + ${cx.lit(0.5)}))`,
);

const Tanh = floatActivation("Tanh", {}, Math.tanh, (cx, x) => `${cx.math("tanh")}(${x})`);

/** log(1 + e^x) in its overflow-free form. */
const softplusC = (cx: CScalarCtx, x: string) =>
  `(${x} > 0 ? ${x} + ${cx.math("log1p")}(${cx.math("exp")}(-${x})) : ${cx.math("log1p")}(${cx.math("exp")}(${x})))`;

const Softplus = floatActivation("Softplus", {}, softplus, softplusC);
const Softsign = floatActivation("Softsign", {}, (x) => x / (1 + Math.abs(x)), (cx, x) => `${x} / (${cx.lit(1)} + ${cx.math("fabs")}(${x}))`);
const Mish = floatActivation("Mish", {}, (x) => x * Math.tanh(softplus(x)), (cx, x) => `${x} * ${cx.math("tanh")}(${softplusC(cx, x)})`);

/**
 * PRelu: slope broadcasts to X's shape (unidirectionally); floats and signed integers. Before
 * opset 7 a 1-D slope is per channel (axis 1), which the canonical form records as a legacy
 * broadcast axis.
 */
const PRelu = elementwiseOp({
  name: "PRelu",
  family: "activation",
  inputs: { min: 2, max: 2 },
  types: ["signed"],
  unidirectional: true,
  canonicalize: (node, opset) => (opset < 7 ? withAttrs(node, { [LEGACY_AXIS]: 1 }) : node),
  alignShapes: (node, shapes) =>
    shapes[1]!.length === 1 && shapes[0]!.length >= 2 ? alignLegacyBroadcast(node, shapes) : [...shapes],
  kernel: () => ({
    id: "prelu",
    real: ([x, s]) => (x! < 0 ? s! * x! : x!),
    integer: ([x, s]) => (x! < 0n ? s! * x! : x!),
    c: (cx, [x, s]) => {
      if (isReal(cx)) return `(${x} < 0 ? ${s} * ${x} : ${x})`;
      const w = cx.wrapType(0);
      return `(${x} < 0 ? (${w})${s} * (${w})${x} : (${w})${x})`;
    },
  }),
});

/**
 * Clip: the bounds are the optional inputs 1 and 2 (opset >= 11; run-time values are fine, they
 * broadcast like any input) or the `min`/`max` attributes of opset < 11 (floats only), baked in
 * as literals. An absent bound does not clamp; min > max gives max, like min(max(x, lo), hi).
 */
const Clip = elementwiseOp({
  name: "Clip",
  family: "activation",
  inputs: { min: 1, max: 3 },
  optionalFrom: 1,
  types: ["numeric"],
  kernel: (node, [dtype]) => clipKernel(node, dtype!),
});

/** A bound's source: an input (its position among the present inputs), an attribute literal, or none. */
type Bound = { readonly input: number } | { readonly value: number } | undefined;

function clipKernel(node: Node, dtype: DType): ScalarKernel {
  const present = (k: number) => (node.inputs[k] ?? "") !== "";
  const bound = (k: 1 | 2, attr: "min" | "max"): Bound => {
    if (present(k)) return { input: k === 2 && !present(1) ? 1 : k };
    if (!hasAttr(node, attr)) return undefined;
    if (!isFloat(dtype)) fail("bad-attribute", nodeLabel(node), `the "${attr}" attribute (opset < 11) applies to float inputs; give integer bounds as input ${k}`);
    const value = attrFloat(node, attr);
    if (Number.isNaN(value)) fail("bad-attribute", nodeLabel(node), `Clip bound "${attr}" is NaN; give a number or leave it out`);
    return { value };
  };
  const lo = bound(1, "min");
  const hi = bound(2, "max");
  const pick = <T>(b: Bound, xs: readonly T[], literal: (v: number) => T): T | undefined =>
    b === undefined ? undefined : "input" in b ? xs[b.input]! : literal(b.value);
  const tag = (b: Bound) => (b === undefined ? "n" : "input" in b ? "i" : "c");
  return {
    id: paramId(`clip_${tag(lo)}${tag(hi)}`, [lo && "value" in lo ? lo.value : 0, hi && "value" in hi ? hi.value : 0]),
    real: (xs) => clamp(xs[0]!, pick(lo, xs, (v) => v), pick(hi, xs, (v) => v)),
    integer: (xs) => clamp(xs[0]!, pick(lo, xs, BigInt), pick(hi, xs, BigInt)),
    c: (cx, v) => {
      const low = pick(lo, v, (x) => cx.lit(x));
      const high = pick(hi, v, (x) => cx.lit(x));
      const t = low === undefined ? v[0]! : `(${v[0]} < ${low} ? ${low} : ${v[0]})`;
      return high === undefined ? t : `(${t} > ${high} ? ${high} : ${t})`;
    },
  };
}

function clamp<T extends number | bigint>(x: T, lo: T | undefined, hi: T | undefined): T {
  const t = lo !== undefined && x < lo ? lo : x;
  return hi !== undefined && t > hi ? hi : t;
}

registerOps([
  Relu, LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, Shrink, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh,
  Softplus, Softsign, Mish,
]);
