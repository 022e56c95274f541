import { extractGreedy, type CostFunction } from "../egraph/extract.js";
import { decodeGraph } from "./decode.js";
import type { EncodedGraph } from "./encode.js";
import type { PatchOffer } from "./patch-offer.js";
import type { ProgramCandidate } from "./sram-select.js";

/**
 * One candidate program per offered patch chain: the cost-cheapest program with that chain's
 * QPatchBands node forced in (its own cost counted as 0 so greedy extraction takes it; every
 * other patch node is excluded). SRAM peak is not additive, so `selectWithinBudget` measures
 * each candidate with the arena planner and prices it with the cost model (halo recomputation
 * included), which is how the chain depth and band height are chosen.
 */
export function patchCandidates(encoded: EncodedGraph, base: CostFunction, offers: readonly PatchOffer[]): ProgramCandidate[] {
  const { egraph } = encoded;
  return offers.map((offer) => {
    const target = egraph.find(offer.classId);
    const cost: CostFunction = (node, childCost) => {
      if (node.op !== "QPatchBands") return base(node, childCost);
      const cls = egraph.lookup(node);
      if (node.attrs !== offer.attrs || cls === undefined || egraph.find(cls) !== target) return Infinity;
      return node.children.reduce((sum, child) => sum + childCost(child), 0);
    };
    const label = `patch(${offer.depth} layers to e-class ${target}, ${offer.bandRows} rows/band, halo ${offer.cache ? "kept" : "recomputed"}, MACs x${(offer.macs / offer.plainMacs).toFixed(3)})`;
    return { label, graph: decodeGraph(encoded, extractGreedy(egraph, cost)) };
  });
}
