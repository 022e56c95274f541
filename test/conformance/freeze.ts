import { OPS } from "../../src/index.js";
import type { ModelScan } from "./model-ops.js";

/**
 * Freezing graph inputs into constants.
 *
 * The node suite feeds shape-like operands (Reshape's shape, Slice's starts, Resize's scales,
 * Unsqueeze's axes, Clip's bounds...) as graph inputs. Egret generates static C, so those operands
 * must be compile-time constants (`OpDef.constInputs`): a deployment fixes them, exactly like the
 * input shapes, with `--const-input` (`BuildOptions.constantInputs`). The harness does the same
 * with the data set's values, and the report lists every case that ran with frozen inputs.
 * Everything else (the data the op computes on) stays a run-time input of the generated C.
 */

/**
 * Graph inputs (not initializers) whose values reach some node's `constInputs` position, directly
 * or through other nodes (an expanded function computes Pad's pads from a `shape` input with Max,
 * Sub, Div and Concat). The walk stops at shape-only ops (Shape, Size) and skips type-only inputs
 * (CastLike's second): they read the static shape or type of their input, not its values, so the
 * data tensor behind them stays a run-time input.
 */
export function constGraphInputs(scan: ModelScan): string[] {
  const runtime = new Set(scan.declaredInputs.filter((n) => !scan.initializers.has(n)));
  const producer = new Map<string, ModelScan["nodes"][number]>();
  for (const node of scan.nodes) for (const out of node.outputs) producer.set(out, node);
  const frozen = new Set<string>();
  const visited = new Set<string>();
  const walk = (name: string): void => {
    if (name === "" || visited.has(name)) return;
    visited.add(name);
    if (runtime.has(name)) frozen.add(name);
    const node = producer.get(name);
    const op = node ? OPS.get(node.op) : undefined;
    if (node && !op?.evaluateFromTypes) node.inputs.forEach((input, i) => (op?.typeOnlyInputs?.includes(i) ? undefined : walk(input)));
  };
  for (const node of scan.nodes) {
    for (const { index } of OPS.get(node.op)?.constInputs ?? []) walk(node.inputs[index] ?? "");
  }
  return [...frozen].sort();
}
