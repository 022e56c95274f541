import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrString, hasAttr } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { EmitCtx } from "../emit-ctx.js";
import { cFmax, cFmin } from "./elementwise/real-math.js";

/**
 * A fused activation on Conv/Gemm (attribute `activation`, added by the optimizer's fusion
 * rules; ONNX has no such attribute). The activation is applied to each output element right
 * after the kernel wrote it, so Conv+BatchNorm+Relu is one kernel call. Parameters:
 * `activation_alpha` (LeakyRelu slope, Clip lower bound) and `activation_beta` (Clip upper bound).
 */
export const FUSED_ACTIVATIONS = ["Relu", "Relu6", "Clip", "LeakyRelu", "Sigmoid", "HardSwish"] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

interface ActivationPlan {
  readonly kind: FusedActivation;
  readonly alpha: number;
  readonly beta: number;
}

/** The node's fused activation, validated; undefined when it has none. */
export function readFusedActivation(node: Node): ActivationPlan | undefined {
  if (!hasAttr(node, "activation")) return undefined;
  const kind = attrString(node, "activation");
  if (!(FUSED_ACTIVATIONS as readonly string[]).includes(kind)) {
    fail("bad-attribute", nodeLabel(node), `fused activation "${kind}" is not one of: ${FUSED_ACTIVATIONS.join(", ")}`);
  }
  const alpha = attrFloat(node, "activation_alpha", kind === "LeakyRelu" ? 0.01 : 0);
  const beta = attrFloat(node, "activation_beta", kind === "Relu6" ? 6 : 0);
  return { kind: kind as FusedActivation, alpha, beta };
}

function scalar(plan: ActivationPlan, x: number): number {
  switch (plan.kind) {
    case "Relu":
      return x > 0 ? x : 0;
    case "Relu6":
      return Math.min(Math.max(x, 0), 6);
    case "Clip": {
      const t = x < plan.alpha ? plan.alpha : x;
      return t > plan.beta ? plan.beta : t;
    }
    case "LeakyRelu":
      return x < 0 ? plan.alpha * x : x;
    case "Sigmoid":
      return 1 / (1 + Math.exp(-x));
    case "HardSwish":
      return x * cFmax(0, cFmin(1, x / 6 + 0.5));
  }
}

/** Applies the activation in place to float64 results before they are stored (the reference path). */
export function applyFusedActivation(node: Node, values: Float64Array): Float64Array {
  const plan = readFusedActivation(node);
  if (plan === undefined) return values;
  // The unfused graph rounds the producer's result to float32 before the activation reads it.
  for (let i = 0; i < values.length; i++) values[i] = scalar(plan, Math.fround(values[i]!));
  return values;
}

/** C expression of the activation of float `v` (matching the standalone activation kernels). */
function cExpression(plan: ActivationPlan, v: string): string {
  const lit = (x: number) => cLiteral("float32", Math.fround(x));
  switch (plan.kind) {
    case "Relu":
      return `(${v} > 0 ? ${v} : ${lit(0)})`;
    case "Relu6":
      return `(${v} < ${lit(0)} ? ${lit(0)} : (${v} > ${lit(6)} ? ${lit(6)} : ${v}))`;
    case "Clip":
      return `(${v} < ${lit(plan.alpha)} ? ${lit(plan.alpha)} : (${v} > ${lit(plan.beta)} ? ${lit(plan.beta)} : ${v}))`;
    case "LeakyRelu":
      return `(${v} < 0 ? ${lit(plan.alpha)} * ${v} : ${v})`;
    case "Sigmoid":
      return `${lit(1)} / (${lit(1)} + expf(-${v}))`;
    case "HardSwish":
      return `${v} * fmaxf(${lit(0)}, fminf(${lit(1)}, ${v} * ${lit(1 / 6)} + ${lit(0.5)}))`;
  }
}

/**
 * Emits the activation pass over the node's output, in the same kernel step as the producer (the
 * output is still hot in cache). No-op without a fused activation.
 */
export function emitFusedActivation(node: Node, ctx: EmitCtx, elements: number): void {
  const plan = readFusedActivation(node);
  if (plan === undefined) return;
  const out = ctx.ptr(node.outputs[0]!);
  ctx.line(`{ int32_t i_; float *y_ = ${out}; for (i_ = 0; i_ < ${elements}; i_++) { const float v_ = y_[i_]; y_[i_] = ${cExpression(plan, "v_")}; } }`);
}
