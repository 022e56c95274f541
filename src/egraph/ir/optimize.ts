import { extractGreedy } from "../extract.js";
import { saturate, type RunnerLimits, type StopReason } from "../runner.js";
import type { Graph } from "../../ir/graph.js";
import type { RuleAst } from "../../rules/ast.js";
import { ruleToRewrite } from "../../rules/to-rewrite.js";
import { costFunctionFor } from "./cost.js";
import { decodeGraph } from "./decode.js";
import { encodeGraph } from "./encode.js";

/**
 * Limits that keep every model under a second on a small machine: saturation is a search for
 * better programs, not a fixpoint we must reach; stopping early only leaves optimisations out.
 */
export const OPTIMIZER_LIMITS: RunnerLimits = { iterations: 12, nodes: 40_000, timeMs: 700 };

export interface OptimizeOptions {
  readonly rules: readonly RuleAst[];
  /** Cost model name from costmodels/ ("host", "cortex-m4"). */
  readonly costModel?: string;
  readonly limits?: Partial<RunnerLimits>;
}

export interface SaturationReport {
  readonly iterations: number;
  readonly nodes: number;
  readonly classes: number;
  readonly stopReason: StopReason;
  /** Matches applied (unions that changed the graph) per rule, over all iterations; rules with 0 omitted. */
  readonly hits: Readonly<Record<string, number>>;
  readonly saturateMs: number;
  readonly extractMs: number;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
}

export interface OptimizeResult {
  readonly graph: Graph;
  readonly report: SaturationReport;
}

/** Graph -> e-graph -> saturate with the rules -> extract the cheapest program -> Graph. */
export function optimizeGraph(graph: Graph, options: OptimizeOptions): OptimizeResult {
  const encoded = encodeGraph(graph);
  const rewrites = options.rules.map((rule) => ruleToRewrite(rule, encoded.context));
  const run = saturate(encoded.egraph, rewrites, { limits: { ...OPTIMIZER_LIMITS, ...options.limits } });
  const extractStart = performance.now();
  const extraction = extractGreedy(encoded.egraph, costFunctionFor(encoded.egraph, encoded.context, options.costModel ?? "host"));
  const optimized = decodeGraph(encoded, extraction);
  const extractMs = performance.now() - extractStart;

  const hits: Record<string, number> = {};
  for (const iteration of run.iterations) {
    for (const rule of iteration.rules) if (rule.applied > 0) hits[rule.name] = (hits[rule.name] ?? 0) + rule.applied;
  }
  const last = run.iterations[run.iterations.length - 1];
  return {
    graph: optimized,
    report: {
      iterations: run.iterations.length,
      nodes: last?.nodes ?? encoded.egraph.nodeCount,
      classes: last?.classes ?? encoded.egraph.classCount,
      stopReason: run.stopReason,
      hits,
      saturateMs: run.totalMs,
      extractMs,
      nodesBefore: graph.nodes.length,
      nodesAfter: optimized.nodes.length,
    },
  };
}
