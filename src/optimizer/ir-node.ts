import type { ENode } from "../egraph/enode.js";
import type { Node } from "../ir/graph.js";
import { attrMeta, decodeAttrs, OUTPUTS_KEY } from "./attrs-codec.js";
import type { TensorTable } from "./tensor-table.js";
export { LEAF_OPS } from "../rules/ast.js";

/** Which outputs a node has: 1 for single-output nodes, else the used-output mask. */
export function outputMask(node: ENode): readonly boolean[] {
  const mask = attrMeta(node.attrs, OUTPUTS_KEY);
  return Array.isArray(mask) ? mask.map((m) => m === 1 || m === true) : [true];
}

/** The IR node an e-node stands for, with placeholder tensor names (for infer/evaluate/cost). */
export function irNodeOf(node: ENode, table: TensorTable, inputPresent: readonly boolean[]): Node {
  return {
    name: `egraph:${node.op}`,
    op: node.op,
    inputs: inputPresent.map((present, i) => (present ? `in${i}` : "")),
    outputs: outputMask(node).map((used, i) => (used ? `out${i}` : "")),
    attrs: decodeAttrs(node.attrs, table),
  };
}

/** The string field of a leaf's attributes (`name` of Input, `digest` of Const). */
export function leafField(node: ENode, field: "name" | "digest"): string {
  const value = attrMeta(node.attrs, field);
  if (typeof value !== "string") throw new Error(`internal: ${node.op} e-node without "${field}"`);
  return value;
}

export function projIndex(node: ENode): number {
  const value = attrMeta(node.attrs, "index");
  if (typeof value !== "number") throw new Error("internal: Proj e-node without an index");
  return value;
}
