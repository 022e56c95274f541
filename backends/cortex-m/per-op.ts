import { nodeTypes } from "../../costmodels/program.js";
import type { CostModel } from "../../costmodels/types.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";

/** The cost model's predicted cycles of one kernel call of `program`. */
export function predictedCycles(program: Graph, node: Node, model: CostModel, ops: OpRegistry): number {
  const { inputs, outputs } = nodeTypes(program, node);
  return model.nodeCost(node, inputs, outputs, ops)["cycles"] ?? 0;
}

/** One row of the per-op profile: the node naming it and its predicted cycles. */
export interface ProfiledRow {
  readonly node: Node;
  readonly predictedCycles: number;
}

/**
 * The rows a profiled build records, in slot order (emit-model's EGRET_PROFILE_BEGIN(k)): one per
 * kernel node, or the node's own rows (`OpDef.profileRows`: a patch node's layers), each priced
 * as the sum of the calls it covers.
 */
export function profiledRows(program: Graph, nodes: readonly Node[], model: CostModel, ops: OpRegistry): ProfiledRow[] {
  return nodes.flatMap((node): ProfiledRow[] => {
    const { inputs } = nodeTypes(program, node);
    const rows = ops.get(node.op)?.profileRows?.(node, inputs);
    if (rows === undefined) return [{ node, predictedCycles: predictedCycles(program, node, model, ops) }];
    return rows.map((row) => ({ node: row.node, predictedCycles: row.calls.reduce((s, c) => s + (model.nodeCost(c.node, c.inputs, c.outputs, ops)["cycles"] ?? 0), 0) }));
  });
}
