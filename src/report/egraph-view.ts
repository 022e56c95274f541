import type { OptimizerSummary } from "../pipeline/compile.js";
import { compareStrings } from "../util/compare.js";
import type { EgraphView } from "./types.js";

/**
 * The e-graph run as the report shows it: size per iteration, rules that fired (most first), and
 * how extraction chose (with an SRAM budget, every candidate; the chosen one is the cheapest that
 * fits, as `selectWithinBudget` picks it). Timings are left out so the report is reproducible.
 */
export function describeEgraph(o: OptimizerSummary, costModel: string, kernelCallsBefore: number): EgraphView {
  const x = o.extraction;
  const sram = x.sram;
  let chosen = -1;
  sram?.candidates.forEach((c, i) => {
    if (c.arenaBytes <= sram.budget && (chosen < 0 || c.cost < sram.candidates[chosen]!.cost)) chosen = i;
  });
  return {
    iterations: o.perIteration.map((it, i) => ({ iteration: i + 1, ...it })),
    stopReason: o.stopReason,
    nodes: o.nodes,
    classes: o.classes,
    ruleApplications: o.work.ruleApplications,
    hits: Object.entries(o.hits)
      .map(([rule, applied]) => ({ rule, applied }))
      .sort((a, b) => b.applied - a.applied || compareStrings(a.rule, b.rule)),
    extraction: {
      used: x.used,
      requested: x.requested,
      costModel,
      greedyCost: x.greedyCost,
      cost: x.cost,
      ...(x.dagStatus === undefined ? {} : { dagStatus: x.dagStatus }),
      ...(sram === undefined ? {} : { sramCandidates: sram.candidates.map((c, i) => ({ label: c.label, arenaBytes: c.arenaBytes, cost: c.cost, chosen: i === chosen })) }),
    },
    nodesBefore: o.nodesBefore,
    nodesAfter: o.nodesAfter,
    kernelCallsBefore: o.kernelCallsBefore ?? kernelCallsBefore,
    kernelCallsAfter: o.kernelCallsAfter,
  };
}
