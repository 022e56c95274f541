import type { Node, ValueInfo } from "../src/ir/graph.js";
import type { OpRegistry } from "../src/ir/registry.js";
import type { CostModel, CostVector } from "./types.js";

/** A kernel-specific cycle price of a node, or undefined for the nodes it does not price. */
export type CyclePrice = (node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry) => number | undefined;

/** `model` with the cycles of the nodes `price` prices replaced by its figure; every other factor and node as `model` has them. */
export function withCyclePrices(model: CostModel, price: CyclePrice): CostModel {
  return {
    name: model.name,
    weights: model.weights,
    nodeCost(node, inputs, outputs, ops): CostVector {
      const base = model.nodeCost(node, inputs, outputs, ops);
      const cycles = price(node, inputs, outputs, ops);
      return cycles === undefined ? base : { ...base, cycles };
    },
  };
}
