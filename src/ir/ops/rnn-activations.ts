import { fail } from "../../errors.js";
import { attrFloats, attrStrings, hasAttr } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";

/**
 * The activation functions of ONNX's recurrent ops (`activations`, `activation_alpha`,
 * `activation_beta`). Codes match EG_ACT_* in runtime-c/kernels/rnn_common_f32.h.
 */
interface ActivationKind {
  readonly code: number;
  /** Default alpha/beta when the function takes them, undefined when it does not. */
  readonly alpha?: number;
  readonly beta?: number;
}

const KINDS: Readonly<Record<string, ActivationKind>> = {
  sigmoid: { code: 0 },
  tanh: { code: 1 },
  relu: { code: 2 },
  affine: { code: 3, alpha: 1, beta: 0 },
  leakyrelu: { code: 4, alpha: 0.01 },
  thresholdedrelu: { code: 5, alpha: 1 },
  scaledtanh: { code: 6, alpha: 1, beta: 1 },
  hardsigmoid: { code: 7, alpha: 0.2, beta: 0.5 },
  elu: { code: 8, alpha: 1 },
  softsign: { code: 9 },
  softplus: { code: 10 },
};

export interface Activation {
  readonly name: string;
  readonly code: number;
  readonly alpha: number;
  readonly beta: number;
}

/**
 * Reads `count` activations per direction (defaults `defaults`). A single direction's list is
 * reused for the reverse direction when only one is given. Alphas and betas are consumed in
 * order by the functions that take them (onnxruntime's reading of the spec).
 */
export function readActivations(node: Node, defaults: readonly string[], directions: number): Activation[] {
  const count = defaults.length;
  let names = attrStrings(node, "activations", [...defaults]);
  if (names.length === count && directions === 2 && hasAttr(node, "activations")) names = [...names, ...names];
  if (!hasAttr(node, "activations") && directions === 2) names = [...defaults, ...defaults];
  if (names.length !== count * directions) {
    fail("bad-attribute", nodeLabel(node), `attribute "activations" has ${names.length} names, expected ${count * directions} (${count} per direction)`);
  }
  const alphas = attrFloats(node, "activation_alpha", []);
  const betas = attrFloats(node, "activation_beta", []);
  let nextAlpha = 0;
  let nextBeta = 0;
  return names.map((name) => {
    const kind = KINDS[name.toLowerCase()];
    if (!kind) fail("bad-attribute", nodeLabel(node), `activation "${name}" is not one of ${Object.keys(KINDS).join(", ")} (case-insensitive)`);
    const alpha = kind.alpha === undefined ? 0 : (alphas[nextAlpha++] ?? kind.alpha);
    const beta = kind.beta === undefined ? 0 : (betas[nextBeta++] ?? kind.beta);
    return { name, code: kind.code, alpha, beta };
  });
}

/** Reference value of an activation (float64). */
export function applyActivation(a: Activation, x: number): number {
  switch (a.code) {
    case 0: return 1 / (1 + Math.exp(-x));
    case 1: return Math.tanh(x);
    case 2: return Math.max(x, 0);
    case 3: return a.alpha * x + a.beta;
    case 4: return x >= 0 ? x : a.alpha * x;
    case 5: return x > a.alpha ? x : 0;
    case 6: return a.alpha * Math.tanh(a.beta * x);
    case 7: return Math.max(0, Math.min(1, a.alpha * x + a.beta));
    case 8: return x >= 0 ? x : a.alpha * (Math.exp(x) - 1);
    case 9: return x / (1 + Math.abs(x));
    default: return Math.log1p(Math.exp(x));
  }
}
