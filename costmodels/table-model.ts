import type { Node, ValueInfo } from "../src/ir/graph.js";
import type { OpDef } from "../src/ir/op.js";
import { numel } from "../src/ir/shape.js";
import { byteSize } from "../src/schedule/storage.js";
import type { Coefficients } from "./coefficients.js";
import { elementClass, macFamily, opKind } from "./op-kinds.js";
import type { CostModel, CostVector } from "./types.js";

const ZERO: CostVector = Object.freeze({ cycles: 0, bytesMoved: 0, kernelCalls: 0, codeBytes: 0 });

/**
 * A cost model driven by a coefficient table. Per node:
 *   cycles = call overhead + work, where work is
 *     mac:         macs * cyclesPerMac[family] + outputElements * cyclesPerMacOutput
 *     elementwise: work items * cyclesPerElement[class] + bytes read and written * cyclesPerElementwiseByte
 *     data:        bytes read and written * cyclesPerDataByte
 *   plus, for a fused activation (attr "activation" on Conv/Gemm), outputElements *
 *   (cyclesPerElement[class of the activation] + cyclesPerFusedElement): the same arithmetic as a
 *   separate node, an inline in-place pass instead of a kernel's streamed loads and stores, and no
 *   call overhead, so fusing is always cheaper than a separate activation node of any size. The
 *   in-place pass reads and writes the output once more, which `bytesMoved` counts.
 * Alias nodes (Reshape family) cost nothing: the planner shares their input's bytes. Nodes with
 * no inputs (Constant, an e-graph's constant leaves) cost nothing either: buildGraph folds every
 * node whose inputs are all constant, so such a node is a weight in flash, never a kernel call.
 */
export function tableCostModel(name: string, table: Coefficients, weights: CostVector): CostModel {
  return {
    name,
    weights,
    nodeCost(node, inputs, outputs, ops) {
      const def = ops.get(node.op);
      const kind = opKind(def);
      if (kind === "alias" || inputs.every((i) => i === undefined)) return ZERO;
      const bytesMoved = sumBytes(inputs) + sumBytes(outputs);
      const outElements = outputs.reduce((s, o) => s + numel(o.shape), 0);
      let work: number;
      switch (kind) {
        case "mac":
          work = macsOf(def, node, inputs, outputs) * table.cyclesPerMac[macFamily(def)] + outElements * table.cyclesPerMacOutput;
          break;
        case "elementwise": {
          const items = Math.max(macsOf(def, node, inputs, outputs), outElements);
          work = items * table.cyclesPerElement[elementClass(node.op)] + bytesMoved * table.cyclesPerElementwiseByte;
          break;
        }
        case "data":
          work = bytesMoved * table.cyclesPerDataByte;
          break;
      }
      const fused = fusedActivation(node);
      let fusedBytes = 0;
      if (fused !== undefined) {
        work += outElements * (table.cyclesPerElement[elementClass(fused)] + table.cyclesPerFusedElement);
        fusedBytes = 2 * sumBytes(outputs);
      }
      const args = inputs.filter((i) => i !== undefined).length + outputs.length;
      const codeBytes = table.callSiteBytes + args * table.callSiteBytesPerArg + (fused !== undefined ? table.fusedActivationBytes : 0);
      return { cycles: table.cyclesPerCall + work, bytesMoved: bytesMoved + fusedBytes, kernelCalls: 1, codeBytes };
    },
  };
}

function sumBytes(values: readonly (ValueInfo | undefined)[]): number {
  return values.reduce((s, v) => s + (v ? byteSize(v) : 0), 0);
}

/**
 * The op's MACs from the registry, or 0 when it declares none. A node the registry cannot size
 * (invalid attributes) is priced as 0 MACs rather than throwing: a cost model must be total, and
 * `infer` reports such nodes with a proper error elsewhere.
 */
function macsOf(def: OpDef | undefined, node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): number {
  const macs = def?.macs;
  if (macs === undefined) return 0;
  try {
    return macs.call(def, node, inputs, outputs);
  } catch {
    return 0;
  }
}

/** The op name of an activation fused into this node (attr "activation", e.g. "Relu"), if any. */
export function fusedActivation(node: Node): string | undefined {
  const act = node.attrs["activation"];
  return typeof act === "string" && act !== "" ? act : undefined;
}
