import { fail } from "../../errors.js";
import { attrInt, attrTensor, hasAttr } from "../attrs.js";
import { DTYPES, dtypeFromOnnx, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { Tensor } from "../tensor.js";

/**
 * Range and EyeLike: ops whose output is fixed at compile time. Range's operands must be constants
 * (its length depends on their values) and EyeLike reads only its input's shape, so the importer
 * always folds both into constants and neither ever reaches code generation.
 */

/** Largest output Range may fold into a constant (flash is the limit on a microcontroller). */
const MAX_RANGE_ELEMENTS = 1 << 24;

const RANGE_DTYPES: readonly DType[] = ["float16", "float32", "float64", "int16", "int32", "int64"];

interface RangePlan {
  readonly dtype: DType;
  readonly n: number;
  /** The i-th element before storing into the dtype (exact for integers). */
  readonly at: (i: number) => number | bigint;
}

function scalarOperand(node: Node, attr: string): Tensor {
  const t = attrTensor(node, attr);
  if (t.size !== 1) fail("bad-shape", nodeLabel(node), `${attr} must be a scalar, got ${t.size} elements`);
  return t;
}

/** n = max(ceil((limit - start) / delta), 0) and element i = start + i * delta (ONNX Range). */
function planRange(node: Node): RangePlan {
  const [start, limit, delta] = ["start", "limit", "delta"].map((a) => scalarOperand(node, a)) as [Tensor, Tensor, Tensor];
  const dtype = start.dtype;
  if (limit.dtype !== dtype || delta.dtype !== dtype) {
    fail("unsupported-dtype", nodeLabel(node), `start, limit and delta must share one type, got ${start.dtype}, ${limit.dtype} and ${delta.dtype}`);
  }
  if (!RANGE_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `Range supports ${RANGE_DTYPES.join(", ")}, got ${dtype}`);
  let plan: RangePlan;
  if (DTYPES[dtype].isFloat) {
    const [s, l, d] = [start, limit, delta].map((t) => t.toNumbers()[0]!) as [number, number, number];
    if (d === 0 || !Number.isFinite(s) || !Number.isFinite(l) || !Number.isFinite(d)) {
      fail("bad-attribute", nodeLabel(node), `start ${s}, limit ${l} and delta ${d} must be finite with a non-zero delta`);
    }
    plan = { dtype, n: Math.max(Math.ceil((l - s) / d), 0), at: (i) => s + i * d };
  } else {
    const [s, l, d] = [start, limit, delta].map((t) => BigInt(t.data[0]!)) as [bigint, bigint, bigint];
    if (d === 0n) fail("bad-attribute", nodeLabel(node), "delta must not be 0");
    const span = l - s;
    // Ceiling division of integers with either sign.
    const q = span / d;
    const n = q * d === span || span < 0n !== d < 0n ? q : q + 1n;
    plan = { dtype, n: Number(n > 0n ? n : 0n), at: (i) => s + BigInt(i) * d };
  }
  if (plan.n > MAX_RANGE_ELEMENTS) {
    fail("bad-shape", nodeLabel(node), `Range would fold into a constant of ${plan.n} elements, more than the limit of ${MAX_RANGE_ELEMENTS}; check start, limit and delta`);
  }
  return plan;
}

const Range: OpDef = {
  name: "Range",
  family: "constant",
  dataTypes: RANGE_DTYPES.join(", "),
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  constInputs: [
    { index: 0, attr: "start", asTensor: true, reason: "(the output length depends on it)" },
    { index: 1, attr: "limit", asTensor: true, reason: "(the output length depends on it)" },
    { index: 2, attr: "delta", asTensor: true, reason: "(the output length depends on it)" },
  ],
  infer(node) {
    const p = planRange(node);
    return [{ dtype: p.dtype, shape: [p.n] }];
  },
  evaluate(node) {
    const p = planRange(node);
    if (DTYPES[p.dtype].isFloat) return [Tensor.fromNumbers(p.dtype, [p.n], Array.from({ length: p.n }, (_, i) => p.at(i) as number))];
    // Integers stay exact through BigInt; int16/int32 values fit a double exactly.
    const out = new Tensor(p.dtype, [p.n]);
    for (let i = 0; i < p.n; i++) {
      const v = p.at(i) as bigint;
      if (p.dtype === "int64") (out.data as BigInt64Array)[i] = BigInt.asIntN(64, v);
      else (out.data as Int32Array | Int16Array)[i] = Number(BigInt.asIntN(DTYPES[p.dtype].bytes * 8, v));
    }
    return [out];
  },
};

/** EyeLike's output type: `dtype` (an ONNX type code) or the input's type. */
function eyeType(node: Node, input: DType): DType {
  if (!hasAttr(node, "dtype")) return input;
  const code = attrInt(node, "dtype");
  const dtype = dtypeFromOnnx(code);
  if (!dtype) fail("unsupported-dtype", nodeLabel(node), `attribute "dtype" = ${code} is not a numeric or bool ONNX type code Egret supports`);
  return dtype;
}

function eyeShape(node: Node, shape: readonly number[]): [number, number] {
  if (shape.length !== 2) fail("bad-shape", nodeLabel(node), `EyeLike needs a 2-D input, got rank ${shape.length}`);
  return shape as [number, number];
}

/** EyeLike: ones on the k-th diagonal (k > 0 above the main one), zeros elsewhere. */
const EyeLike: OpDef = {
  name: "EyeLike",
  family: "constant",
  dataTypes: "any numeric type, bool",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    return [{ dtype: eyeType(node, x!.dtype), shape: eyeShape(node, x!.shape) }];
  },
  evaluateFromTypes: (node, [x]) => [eye(node, x!)],
  evaluate: (node, [x]) => [eye(node, x!)],
};

/** The identity-like matrix of EyeLike from its input's type alone (the values are never read). */
function eye(node: Node, x: { readonly dtype: DType; readonly shape: readonly number[] }): Tensor {
  const [rows, cols] = eyeShape(node, x.shape);
  const k = attrInt(node, "k", 0);
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const c = r + k;
    if (c >= 0 && c < cols) values[r * cols + c] = 1;
  }
  return Tensor.fromNumbers(eyeType(node, x.dtype), [rows, cols], values);
}

registerOps([Range, EyeLike]);
