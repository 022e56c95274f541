import type { FoldLedger } from "./limits.js";
import { tensorByteSize } from "./limits.js";
import type { Node, ValueInfo } from "./graph.js";
import type { OpDef } from "./op.js";
import { Tensor } from "./tensor.js";

/** What import-time folding did with one node. */
export type FoldOutcome =
  | { readonly kind: "folded"; readonly results: readonly Tensor[] }
  /** Computed at run time: an input is not constant, or (with `reason`) the result is over budget. */
  | { readonly kind: "kept"; readonly reason?: string };

/**
 * Folds a node whose result is known at compile time: shape-only ops from the input types alone
 * (the inputs are never materialised), other ops when every present input is a constant (or one
 * the op reads only the type of: `typeOnlyInputs`) and the new bytes fit the fold budget, checked
 * before evaluating. A node over budget stays an op.
 */
export function foldNode(
  node: Node,
  op: OpDef,
  inputs: readonly (ValueInfo | undefined)[],
  outputs: readonly ValueInfo[],
  constants: ReadonlyMap<string, Tensor>,
  ledger: FoldLedger,
): FoldOutcome {
  if (op.evaluateFromTypes) return { kind: "folded", results: op.evaluateFromTypes(node, inputs) };
  const typeOnly = (i: number): boolean => op.typeOnlyInputs?.includes(i) ?? false;
  if (!node.inputs.every((n, i) => n === "" || typeOnly(i) || constants.has(n))) return { kind: "kept" };
  const bytes = newBytes(op, outputs);
  if (!ledger.admit(bytes)) return { kind: "kept", reason: ledger.reason(bytes) };
  // A type-only input gets an empty tensor of its type, whether or not its value is known.
  const arg = (n: string, i: number): Tensor | undefined => (n === "" ? undefined : typeOnly(i) ? new Tensor(inputs[i]!.dtype, [0]) : constants.get(n));
  return { kind: "folded", results: op.evaluate(node, node.inputs.map(arg)) };
}

/**
 * Bytes evaluating the node allocates for its results (every output the op computes, used or
 * not): none for a result held by an attribute, and none for output 0 of an alias op, which
 * shares input 0's data.
 */
function newBytes(op: OpDef, outputs: readonly ValueInfo[]): number {
  if (op.resultInAttributes) return 0;
  return outputs.reduce((sum, o, i) => (op.alias && i === 0 ? sum : sum + tensorByteSize(o.dtype, o.shape)), 0);
}
