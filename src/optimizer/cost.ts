import { collapse, type CostModel } from "../../costmodels/index.js";
import type { CostFunction } from "../egraph/extract.js";
import type { EGraph } from "../egraph/egraph.js";
import type { IrData } from "./analysis.js";
import { irNodeOf, LEAF_OPS } from "./ir-node.js";
import type { IrContext } from "./analysis.js";

/**
 * Extraction cost from a target cost model: a node costs its collapsed cost vector (kernel calls,
 * cycles, bytes moved...) computed from its input and output types; leaves (inputs, constants,
 * `None`, `Proj`) are free. A small per-node epsilon keeps the cost strictly positive so equal-
 * cost alternatives prefer fewer nodes and the greedy fixpoint never picks a cyclic term.
 */
export function costFunctionFor(egraph: EGraph<IrData>, context: IrContext, model: CostModel): CostFunction {
  const cache = new Map<string, number>();
  return (node, childCost) => {
    let own = 0;
    if (!LEAF_OPS.has(node.op)) {
      const key = `${node.op}|${node.attrs}|${node.children.map((c) => egraph.find(c)).join(",")}`;
      let cached = cache.get(key);
      if (cached === undefined) {
        const inputs = node.children.map((c) => egraph.data(c).types[0]);
        const irNode = irNodeOf(node, context.table, inputs.map((t) => t !== undefined));
        const outputs = egraph.data(egraph.lookup(node) ?? node.children[0]!).types;
        cached = collapse(model, model.nodeCost(irNode, inputs, outputs, context.ops)) + 1e-6;
        cache.set(key, cached);
      }
      own = cached;
    }
    return node.children.reduce((sum, child) => sum + childCost(child), own);
  };
}
