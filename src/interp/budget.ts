import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import { formatBytes, LIMITS, tensorByteSize } from "../limits.js";

/**
 * The reference interpreter keeps every value of a run in memory (calibration observes them
 * all): checks, before a run allocates anything, that the graph's inputs and node outputs fit
 * LIMITS.evaluationBytes. `what` names the run for the message (e.g. "egret run").
 */
export function checkEvaluationBudget(graph: Graph, what: string): void {
  let total = 0;
  let largest = { name: "", bytes: -1 };
  const computed = [...graph.inputs.map((i) => i.name), ...graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== ""))];
  for (const name of computed) {
    const v = graph.values.get(name);
    if (v === undefined) continue;
    const bytes = tensorByteSize(v.dtype, v.shape);
    total += bytes;
    if (bytes > largest.bytes) largest = { name, bytes };
  }
  if (total > LIMITS.evaluationBytes) {
    fail("limit", `model "${graph.name}"`, `${what} holds all its values at once, ${formatBytes(total)}, more than the ${formatBytes(LIMITS.evaluationBytes)} the interpreter may use (docs/limits.md); the largest is tensor "${largest.name}" (${formatBytes(largest.bytes)}); give smaller input shapes`);
  }
}
