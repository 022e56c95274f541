import { fail } from "../errors.js";
import { nodeLabel, type Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { sameShape, shapeToString } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import { checkEvaluationBudget } from "./budget.js";

export interface RunOptions {
  /** The ops the graph may use (core ops plus the compile's target ops). */
  readonly ops: OpRegistry;
  /**
   * Sees each graph input and each used node output once, by tensor name, in execution order:
   * calibration observes the float program through it, `egret eval` compares a float and a
   * quantized program layer by layer, a target's lowering collects its ranges.
   */
  readonly visit?: (name: string, value: Tensor) => void;
  /** Names the run in the evaluation-budget error (default "the reference interpreter"). */
  readonly purpose?: string;
}

/**
 * The reference interpreter, the one evaluation loop of the compiler: runs the graph node by
 * node with the registry's evaluators. Inputs are given in graph input order; outputs come back
 * in graph output order.
 */
export function runGraph(graph: Graph, inputs: readonly Tensor[], options: RunOptions): Tensor[] {
  checkEvaluationBudget(graph, options.purpose ?? "the reference interpreter");
  if (inputs.length !== graph.inputs.length) {
    fail("bad-option", "inputs", `the model takes ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(", ")}), got ${inputs.length}`);
  }
  const visit = options.visit;
  const env = new Map<string, Tensor>(graph.constants);
  graph.inputs.forEach((decl, i) => {
    const t = inputs[i]!;
    if (t.dtype !== decl.dtype || !sameShape(t.shape, decl.shape)) {
      fail("bad-shape", `input "${decl.name}"`, `expects ${decl.dtype}[${shapeToString(decl.shape)}], got ${t.dtype}[${shapeToString(t.shape)}]`);
    }
    env.set(decl.name, t);
    visit?.(decl.name, t);
  });
  for (const node of graph.nodes) {
    const op = options.ops.get(node.op);
    if (!op) fail("unsupported-op", nodeLabel(node), "not in the op registry");
    const results = op.evaluate(node, node.inputs.map((n) => (n === "" ? undefined : env.get(n))));
    node.outputs.forEach((o, i) => {
      if (o === "") return;
      env.set(o, results[i]!);
      visit?.(o, results[i]!);
    });
  }
  return graph.outputs.map((o) => env.get(o.name)!);
}
