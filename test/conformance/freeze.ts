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

/** Graph inputs (not initializers) that some node consumes at a `constInputs` position. */
export function constGraphInputs(scan: ModelScan): string[] {
  const runtime = new Set(scan.declaredInputs.filter((n) => !scan.initializers.has(n)));
  const frozen = new Set<string>();
  for (const node of scan.nodes) {
    for (const { index } of OPS.get(node.op)?.constInputs ?? []) {
      const name = node.inputs[index];
      if (name !== undefined && runtime.has(name)) frozen.add(name);
    }
  }
  return [...frozen].sort();
}
