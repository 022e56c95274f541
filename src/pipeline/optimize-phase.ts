import type { Graph } from "../ir/graph.js";
import { optimizeGraph, type OptimizeResult } from "../optimizer/optimize.js";
import { selectWithinBudget } from "../optimizer/sram-select.js";
import { DEFAULT_SAFETY_NET_SECONDS, optimizerSafetyNet, type CompileOptions } from "./options.js";
import { ruleSet } from "./rule-set.js";
import type { Target } from "./target.js";
import type { Toolchain } from "./toolchain.js";

export interface PhaseContext {
  readonly toolchain: Toolchain;
  readonly target: Target;
  readonly options: CompileOptions;
}

export interface Optimized {
  readonly graph: Graph;
  /** Undefined with `optimize: false`. */
  readonly result?: OptimizeResult;
}

/**
 * The optimize phase: saturation with the assembled rule set, extraction by the target's cost
 * model. "float" is the extraction quantization calibrates: it always runs (`optimize: false`
 * skips only the final one) and has no arena budget (the integer program is what must fit);
 * "final" is the program that is lowered and emitted, under `sramBudget`.
 */
export function optimizePhase({ toolchain, target, options }: PhaseContext, graph: Graph, stage: "float" | "final"): Optimized {
  const budget = stage === "final" ? options.sramBudget : undefined;
  const ops = toolchain.ops;
  if (options.optimize === false && stage === "final") {
    // Without the optimizer the imported graph is the only candidate; it must still fit the budget.
    if (budget !== undefined) selectWithinBudget([{ label: "imported graph", graph }], budget, target.costModel, ops);
    return { graph };
  }
  const result = optimizeGraph(graph, {
    ops,
    rules: ruleSet(toolchain, target, options, stage),
    costModel: target.costModel,
    ...(options.extractor === undefined ? {} : { extractor: options.extractor }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    safetyNet: optimizerSafetyNet(options.safetyNetSeconds ?? DEFAULT_SAFETY_NET_SECONDS),
    ...(budget === undefined ? {} : { sramBudget: budget }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return { graph: result.graph, result };
}
