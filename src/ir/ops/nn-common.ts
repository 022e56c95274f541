import type { EmitCtx } from "../../codegen/emit-ctx.js";
import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import { shapeToString } from "../shape.js";
import type { Tensor } from "../tensor.js";

/**
 * Input checks shared by the neural-network layer families (conv, matmul, pool, norm, softmax,
 * rnn). Their C kernels are float32-only, so every float input must be float32.
 */
export function requireF32(node: Node, info: ValueInfo | undefined, what: string): ValueInfo {
  if (!info) fail("missing-tensor", nodeLabel(node), `the ${what} input is required`);
  if (info.dtype !== "float32") {
    fail("unsupported-dtype", nodeLabel(node), `${node.op} supports float32 tensors only; the ${what} is ${info.dtype} (convert the model to float32)`);
  }
  return info;
}

/** Checks an input has exactly `shape` (per-channel parameters, biases, states). */
export function requireShape(node: Node, info: ValueInfo, what: string, shape: readonly number[]): void {
  if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
    fail("bad-shape", nodeLabel(node), `the ${what} must have shape ${shapeToString(shape)}, got ${shapeToString(info.shape)}`);
  }
}

/** Product of `shape[from..to)`. */
export function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i]!;
  return n;
}

/** The types of evaluator inputs, for the plan functions `infer` also uses. */
export function tensorInfos(inputs: readonly (Tensor | undefined)[]): (ValueInfo | undefined)[] {
  return inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined));
}

/** The types of a node's inputs at emission time ("" absent inputs are undefined). */
export function nodeInfos(node: Node, ctx: EmitCtx): (ValueInfo | undefined)[] {
  return node.inputs.map((n) => (n === "" ? undefined : ctx.info(n)));
}
