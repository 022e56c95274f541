import type { Node, ValueInfo } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import type { CostModel, CostVector } from "../../costmodels/types.js";

/**
 * The price of kernel scratch memory on Cortex-M: SRAM is the scarce resource of an MCU (often
 * 20-256 KB, shared with the application), so a kernel that is a little faster but needs a large
 * scratch buffer must not win extraction by default. Each node's scratch bytes (OpDef.scratchBytes,
 * the same figure the arena planner reserves) become the factor `scratchBytes`, weighted at
 * CORTEX_M4_SRAM_CYCLES_PER_BYTE cycles per byte: with 2, a kernel that needs 4x a 2.5 KB arena
 * (+7.5 KB) must save more than 15,000 cycles (10 % of a 150K-cycle layer) to be chosen. Node
 * costs add up over the program while the arena is a peak, so this is a proxy that leans towards
 * small scratch; `--sram-budget` still decides when given (it filters candidates by their planned
 * arena before this price compares them).
 */
export const CORTEX_M4_SRAM_CYCLES_PER_BYTE = 2;

/** Scratch bytes of one node, 0 when the op declares none or the node is invalid. */
function scratchOf(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): number {
  const op = ops.get(node.op);
  if (!op?.scratchBytes) return 0;
  try {
    return op.scratchBytes(node, inputs, outputs);
  } catch {
    return 0; // an invalid node: priced as the table model says, it is never emitted
  }
}

/** `model` with every node's scratch memory priced as the factor `scratchBytes`. */
export function withScratchPrice(model: CostModel, cyclesPerByte = CORTEX_M4_SRAM_CYCLES_PER_BYTE): CostModel {
  return {
    name: model.name,
    weights: { ...model.weights, scratchBytes: cyclesPerByte },
    nodeCost(node, inputs, outputs, ops): CostVector {
      const base = model.nodeCost(node, inputs, outputs, ops);
      const scratch = scratchOf(node, inputs, outputs, ops);
      return scratch > 0 ? { ...base, scratchBytes: scratch } : base;
    },
  };
}
