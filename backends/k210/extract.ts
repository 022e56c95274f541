/**
 * The k210 target's optimisation on its own: the shipped rules plus rules/targets/k210.rules,
 * extracted under the k210-kpu cost model. The result is the
 * float program `lowerForK210` takes, with `KpuConv2DCandidate` where extraction chose the KPU.
 * `compileGraph(…, { target: "k210" })` does the same before calling the backend's lower.
 */
import { join } from "node:path";
import { optimizeGraph } from "../../src/optimizer/optimize.js";
import type { Graph } from "../../src/ir/graph.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { loadRuleFiles, shippedRules } from "../../src/rules/load.js";
import { K210_RULES } from "./target.js";

export function extractForK210(graph: Graph): Graph {
  const rules = [...shippedRules(), ...loadRuleFiles([join(PACKAGE_ROOT, "rules", "targets", K210_RULES)])];
  return optimizeGraph(graph, { rules, costModel: "k210-kpu" }).graph;
}
