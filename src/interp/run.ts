import { fail } from "../errors.js";
import { nodeLabel, type Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { sameShape, shapeToString } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import { checkEvaluationBudget } from "./budget.js";

/**
 * The reference interpreter: runs the graph node by node with the registry's evaluators.
 * Inputs are given in graph input order; outputs come back in graph output order.
 */
export function runGraph(graph: Graph, inputs: readonly Tensor[]): Tensor[] {
  checkEvaluationBudget(graph, "the reference interpreter");
  if (inputs.length !== graph.inputs.length) {
    fail("bad-option", "inputs", `the model takes ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(", ")}), got ${inputs.length}`);
  }
  const env = new Map<string, Tensor>(graph.constants);
  graph.inputs.forEach((decl, i) => {
    const t = inputs[i]!;
    if (t.dtype !== decl.dtype || !sameShape(t.shape, decl.shape)) {
      fail("bad-shape", `input "${decl.name}"`, `expects ${decl.dtype}[${shapeToString(decl.shape)}], got ${t.dtype}[${shapeToString(t.shape)}]`);
    }
    env.set(decl.name, t);
  });
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op) fail("unsupported-op", nodeLabel(node), "not in the op registry");
    const args = node.inputs.map((n) => (n === "" ? undefined : env.get(n)));
    const results = op.evaluate(node, args);
    node.outputs.forEach((o, i) => {
      if (o !== "") env.set(o, results[i]!);
    });
  }
  return graph.outputs.map((o) => env.get(o.name)!);
}
