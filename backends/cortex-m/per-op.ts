import { nodeTypes } from "../../costmodels/program.js";
import type { CostModel } from "../../costmodels/types.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";

/** The cost model's predicted cycles of one kernel call of `program`. */
export function predictedCycles(program: Graph, node: Node, model: CostModel, ops: OpRegistry): number {
  const { inputs, outputs } = nodeTypes(program, node);
  return model.nodeCost(node, inputs, outputs, ops)["cycles"] ?? 0;
}
