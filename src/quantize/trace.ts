import { fail } from "../errors.js";
import { nodeLabel, type Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { sameShape, shapeToString } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import { checkEvaluationBudget } from "../interp/budget.js";

/**
 * The reference interpreter with every intermediate value exposed: `visit` sees each graph input
 * and each node output (by tensor name) once, in execution order. Calibration observes the float
 * program through it; `egret eval` compares the float and quantized programs layer by layer.
 */
export function runTraced(graph: Graph, inputs: readonly Tensor[], visit: (name: string, value: Tensor) => void): Tensor[] {
  if (inputs.length !== graph.inputs.length) {
    fail("bad-shape", "calibration sample", `the model takes ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(", ")}), the sample has ${inputs.length}`);
  }
  checkEvaluationBudget(graph, "calibration or evaluation (the traced interpreter)");
  const env = new Map<string, Tensor>(graph.constants);
  graph.inputs.forEach((decl, i) => {
    const t = inputs[i]!;
    if (t.dtype !== decl.dtype || !sameShape(t.shape, decl.shape)) {
      fail("bad-shape", `input "${decl.name}"`, `expects ${decl.dtype}[${shapeToString(decl.shape)}], the sample is ${t.dtype}[${shapeToString(t.shape)}]`);
    }
    env.set(decl.name, t);
    visit(decl.name, t);
  });
  for (const node of graph.nodes) {
    const op = getOp(node.op);
    if (!op) fail("unsupported-op", nodeLabel(node), "not in the op registry");
    const results = op.evaluate(node, node.inputs.map((n) => (n === "" ? undefined : env.get(n))));
    node.outputs.forEach((o, i) => {
      if (o === "") return;
      env.set(o, results[i]!);
      visit(o, results[i]!);
    });
  }
  return graph.outputs.map((o) => env.get(o.name)!);
}
