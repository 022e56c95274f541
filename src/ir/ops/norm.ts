import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Tensor } from "../tensor.js";
import { emitTraining, evaluateTraining, TRAINING_MODE_WARNING } from "./batchnorm-training.js";
import { LayerNormalization } from "./layernorm.js";
import { prod, requireF32, requireShape } from "./nn-common.js";

/**
 * BatchNormalization (inference), InstanceNormalization and LRN over [N, C, spatial...] inputs,
 * plus LayerNormalization (layernorm.ts).
 * Kernels in runtime-c/kernels/norm_f32.c.
 */

/** The [n, c, spatial] view of an NC... input. */
interface NcsView {
  readonly n: number;
  readonly c: number;
  readonly spatial: number;
}

function ncsOf(node: Node, x: ValueInfo | undefined): NcsView {
  const xi = requireF32(node, x, "input");
  if (xi.shape.length < 2) fail("bad-shape", nodeLabel(node), `input must have shape [N, C, ...], got rank ${xi.shape.length}`);
  return { n: xi.shape[0]!, c: xi.shape[1]!, spatial: prod(xi.shape, 2) };
}

function checkPerChannel(node: Node, inputs: readonly (ValueInfo | undefined)[], names: readonly string[], c: number): void {
  names.forEach((what, i) => requireShape(node, requireF32(node, inputs[i + 1], what), what, [c]));
}

function f32(v: number): string {
  return cLiteral("float32", Math.fround(v));
}

/**
 * BatchNormalization for every opset: opset < 7 `is_test`, opset < 9 `spatial` (only the default
 * 1 is supported), opset >= 14 `training_mode`. In inference mode the running mean/var outputs do
 * not exist, so a node that uses them is rejected; training mode (batchnorm-training.ts) computes
 * with batch statistics and may produce the running mean and variance (outputs 1 and 2).
 */
function isTraining(node: Node): boolean {
  return attrInt(node, "training_mode", 0) !== 0;
}

function checkBatchNormMode(node: Node): void {
  if (attrInt(node, "spatial", 1) !== 1) {
    fail("bad-attribute", nodeLabel(node), "spatial = 0 (per-activation statistics) is not supported; only per-channel batch normalization is");
  }
  const extra = node.outputs.slice(isTraining(node) ? 3 : 1);
  if (extra.some((o) => o !== "")) {
    fail("bad-attribute", nodeLabel(node), "uses the training-only outputs (running mean/var, saved statistics); export the model in inference mode");
  }
}

const BatchNormalization: OpDef = {
  name: "BatchNormalization",
  family: "norm",
  forms: "every opset; is_test / spatial = 1 (< 9); training_mode = 1 (14) computes with batch statistics (with a warning)",
  inputs: { min: 5, max: 5 },
  inputDomains: { 4: "non-negative" },
  outputs: { min: 1, max: 5 },
  infer(node, inputs) {
    checkBatchNormMode(node);
    const v = ncsOf(node, inputs[0]);
    // In training mode without running outputs, the input statistics are not read: TensorFlow
    // passes empty ones.
    const statsUnused = isTraining(node) && node.outputs.slice(1).every((o) => o === "");
    const emptyStats = statsUnused && [inputs[3], inputs[4]].every((t) => t && t.shape.length === 1 && t.shape[0] === 0);
    checkPerChannel(node, inputs, emptyStats ? ["scale", "bias"] : ["scale", "bias", "mean", "variance"], v.c);
    const out: ValueInfo[] = [inputs[0]!];
    for (let i = 1; i < node.outputs.length; i++) out.push({ dtype: "float32", shape: [v.c] });
    return out;
  },
  importWarning: (node) => (isTraining(node) ? TRAINING_MODE_WARNING : undefined),
  evaluate(node, [x, scale, bias, mean, variance]) {
    const v = ncsOf(node, x);
    if (isTraining(node)) return evaluateTraining(node, v, [x!, scale!, bias!, mean!, variance!]);
    const eps = attrFloat(node, "epsilon", 1e-5);
    const xv = x!.toNumbers();
    const [s, b, m, va] = [scale!, bias!, mean!, variance!].map((t) => t.toNumbers()) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const y = new Float64Array(xv.length);
    for (let i = 0; i < xv.length; i++) {
      const c = Math.floor(i / v.spatial) % v.c;
      y[i] = (s[c]! * (xv[i]! - m[c]!)) / Math.sqrt(va[c]! + Math.fround(eps)) + b[c]!;
    }
    return [Tensor.fromNumbers("float32", x!.shape, y)];
  },
  emitC(node, ctx) {
    const v = ncsOf(node, ctx.info(node.inputs[0]!));
    if (isTraining(node)) return emitTraining(node, v, ctx);
    const [x, scale, bias, mean, variance] = node.inputs.map((n) => ctx.ptr(n));
    ctx.useRuntime("norm_f32");
    ctx.line(`eg_batchnorm_f32(${x}, ${scale}, ${bias}, ${mean}, ${variance}, ${ctx.ptr(node.outputs[0]!)}, ${v.n}, ${v.c}, ${v.spatial}, ${f32(attrFloat(node, "epsilon", 1e-5))});`);
  },
  macs: (_node, [x]) => prod(x!.shape),
};

const InstanceNormalization: OpDef = {
  name: "InstanceNormalization",
  family: "norm",
  inputs: { min: 3, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const v = ncsOf(node, inputs[0]);
    checkPerChannel(node, inputs, ["scale", "bias"], v.c);
    return [inputs[0]!];
  },
  evaluate(node, [x, scale, bias]) {
    const v = ncsOf(node, x);
    const eps = Math.fround(attrFloat(node, "epsilon", 1e-5));
    const xv = x!.toNumbers();
    const s = scale!.toNumbers();
    const b = bias!.toNumbers();
    const y = new Float64Array(xv.length);
    for (let plane = 0; plane < v.n * v.c; plane++) {
      const base = plane * v.spatial;
      let mean = 0;
      for (let i = 0; i < v.spatial; i++) mean += xv[base + i]!;
      mean /= v.spatial;
      let variance = 0;
      for (let i = 0; i < v.spatial; i++) variance += (xv[base + i]! - mean) ** 2;
      variance /= v.spatial;
      const c = plane % v.c;
      const k = s[c]! / Math.sqrt(variance + eps);
      for (let i = 0; i < v.spatial; i++) y[base + i] = (xv[base + i]! - mean) * k + b[c]!;
    }
    return [Tensor.fromNumbers("float32", x!.shape, y)];
  },
  emitC(node, ctx) {
    const v = ncsOf(node, ctx.info(node.inputs[0]!));
    const [x, scale, bias] = node.inputs.map((n) => ctx.ptr(n));
    ctx.useRuntime("norm_f32");
    ctx.line(`eg_instancenorm_f32(${x}, ${scale}, ${bias}, ${ctx.ptr(node.outputs[0]!)}, ${v.n}, ${v.c}, ${v.spatial}, ${f32(attrFloat(node, "epsilon", 1e-5))});`);
  },
  macs: (_node, [x]) => 2 * prod(x!.shape),
};

interface LrnParams {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly bias: number;
}

function lrnParams(node: Node): LrnParams {
  const size = attrInt(node, "size");
  if (size < 1) fail("bad-attribute", nodeLabel(node), `attribute "size" = ${size} must be >= 1`);
  return { size, alpha: attrFloat(node, "alpha", 1e-4), beta: attrFloat(node, "beta", 0.75), bias: attrFloat(node, "bias", 1) };
}

const LRN: OpDef = {
  name: "LRN",
  family: "norm",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    lrnParams(node);
    ncsOf(node, x);
    return [x!];
  },
  evaluate(node, [x]) {
    const v = ncsOf(node, x);
    const p = lrnParams(node);
    const xv = x!.toNumbers();
    const y = new Float64Array(xv.length);
    const before = Math.floor((p.size - 1) / 2);
    const after = p.size - 1 - before;
    for (let b = 0; b < v.n; b++) for (let c = 0; c < v.c; c++) for (let i = 0; i < v.spatial; i++) {
      let sum = 0;
      for (let j = Math.max(0, c - before); j <= Math.min(v.c - 1, c + after); j++) sum += xv[(b * v.c + j) * v.spatial + i]! ** 2;
      const at = (b * v.c + c) * v.spatial + i;
      y[at] = xv[at]! / Math.pow(p.bias + (p.alpha / p.size) * sum, p.beta);
    }
    return [Tensor.fromNumbers("float32", x!.shape, y)];
  },
  emitC(node, ctx) {
    const v = ncsOf(node, ctx.info(node.inputs[0]!));
    const p = lrnParams(node);
    ctx.useRuntime("norm_f32");
    ctx.line(`eg_lrn_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${v.n}, ${v.c}, ${v.spatial}, ${p.size}, ${f32(p.alpha)}, ${f32(p.beta)}, ${f32(p.bias)});`);
  },
  macs: (node, [x]) => prod(x!.shape) * lrnParams(node).size,
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const NORM_OPS: readonly OpDef[] = [BatchNormalization, InstanceNormalization, LRN, LayerNormalization];
