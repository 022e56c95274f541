import type { Graph, Node, ValueInfo } from "../src/ir/graph.js";
import type { OpRegistry } from "../src/ir/registry.js";
import type { CostModel, CostVector } from "./types.js";

/** The typed inputs and used outputs of a node, as `CostModel.nodeCost` takes them. */
export function nodeTypes(graph: Graph, node: Node): { inputs: (ValueInfo | undefined)[]; outputs: ValueInfo[] } {
  const inputs = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
  const outputs: ValueInfo[] = [];
  for (const n of node.outputs) {
    const v = n === "" ? undefined : graph.values.get(n);
    if (v) outputs.push(v);
  }
  return { inputs, outputs };
}

/** Adds cost vectors factor by factor (a factor absent from one side counts as 0). */
export function addCosts(a: CostVector, b: CostVector): CostVector {
  const sum: Record<string, number> = { ...a };
  for (const [factor, value] of Object.entries(b)) sum[factor] = (sum[factor] ?? 0) + value;
  return sum;
}

/**
 * The cost of a whole program: the sum of `nodeCost` over its nodes. Shared sub-expressions are
 * counted once because a Graph already is a DAG of distinct nodes.
 */
export function programCost(model: CostModel, graph: Graph, ops: OpRegistry): CostVector {
  let total: CostVector = { cycles: 0, bytesMoved: 0, kernelCalls: 0, codeBytes: 0 };
  for (const node of graph.nodes) {
    const { inputs, outputs } = nodeTypes(graph, node);
    total = addCosts(total, model.nodeCost(node, inputs, outputs, ops));
  }
  return total;
}
