import { extractGreedy, type Extraction } from "../extract.js";
import { dagCostOf, DEFAULT_DAG_TIME_LIMIT_MS, extractDag } from "../extract-dag.js";
import { saturate, type RunnerLimits, type StopReason } from "../runner.js";
import type { Graph } from "../../ir/graph.js";
import type { RuleAst } from "../../rules/ast.js";
import { ruleToRewrite } from "../../rules/to-rewrite.js";
import { costFunctionFor } from "./cost.js";
import { decodeGraph } from "./decode.js";
import { encodeGraph, type EncodedGraph } from "./encode.js";
import { memoryCandidates, selectWithinBudget, type EvaluatedCandidate } from "./sram-select.js";

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
  /**
   * "dag" (default): DAG-aware extraction (shared sub-expressions cost once) seeded with greedy,
   * under `dagTimeLimitMs`; "greedy": bottom-up tree-cost extraction only.
   */
  readonly extractor?: ExtractorName;
  readonly dagTimeLimitMs?: number;
  /** Largest arena in bytes: extraction picks the cheapest candidate program that fits, or fails. */
  readonly sramBudget?: number;
}

export type ExtractorName = "greedy" | "dag";

/** How the extracted program was chosen. */
export interface ExtractionReport {
  /** The extractor whose program was used ("greedy" also when the DAG search found nothing cheaper). */
  readonly used: string;
  readonly requested: ExtractorName;
  /**
   * DAG cost (each node once, cost-model units) of the greedy program and of the extractor's
   * program; with an SRAM budget, `sram.candidates` gives the whole-program cost of each candidate.
   */
  readonly greedyCost: number;
  readonly cost: number;
  /** Whether the DAG search proved its program optimal or ran out of time (DAG extractor only). */
  readonly dagStatus?: "optimal" | "time-limit";
  readonly dagMs?: number;
  /** With an SRAM budget: the budget, the chosen program's arena and every candidate measured. */
  readonly sram?: { readonly budget: number; readonly arenaBytes: number; readonly candidates: readonly EvaluatedCandidate[] };
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
  readonly extraction: ExtractionReport;
}

export interface OptimizeResult {
  readonly graph: Graph;
  readonly report: SaturationReport;
  /** The saturated e-graph (for `--dump egraph`). */
  readonly encoded: EncodedGraph;
}

/** Graph -> e-graph -> saturate with the rules -> extract the cheapest program -> Graph. */
export function optimizeGraph(graph: Graph, options: OptimizeOptions): OptimizeResult {
  const encoded = encodeGraph(graph);
  const rewrites = options.rules.map((rule) => ruleToRewrite(rule, encoded.context));
  const run = saturate(encoded.egraph, rewrites, { limits: { ...OPTIMIZER_LIMITS, ...options.limits } });
  const extractStart = performance.now();
  const { graph: optimized, report: extraction } = extract(encoded, graph, options);
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
      extraction,
    },
    encoded,
  };
}

/**
 * Extraction step: greedy or DAG; with an SRAM budget, also memory-weighted greedy programs and
 * the imported graph itself (always a valid program), each measured with the arena planner.
 */
function extract(encoded: EncodedGraph, source: Graph, options: OptimizeOptions): { graph: Graph; report: ExtractionReport } {
  const modelName = options.costModel ?? "host";
  const cost = costFunctionFor(encoded.egraph, encoded.context, modelName);
  const requested = options.extractor ?? "dag";
  let chosen: Extraction;
  let report: ExtractionReport;
  if (requested === "dag") {
    const dag = extractDag(encoded.egraph, encoded.outputs, cost, { timeLimitMs: options.dagTimeLimitMs ?? DEFAULT_DAG_TIME_LIMIT_MS });
    chosen = dag;
    const used = dag.source === "greedy" ? "greedy" : `dag (${dag.source})`;
    report = { used, requested, greedyCost: dag.greedyDagCost, cost: dag.dagCost, dagStatus: dag.status, dagMs: dag.ms };
  } else {
    chosen = extractGreedy(encoded.egraph, cost);
    const dagCost = dagCostOf(encoded.egraph, encoded.outputs, chosen, cost);
    report = { used: "greedy", requested, greedyCost: dagCost, cost: dagCost };
  }
  const program = decodeGraph(encoded, chosen);
  if (options.sramBudget === undefined) return { graph: program, report };

  const candidates = [{ label: report.used, graph: program }];
  if (report.used !== "greedy") candidates.push({ label: "greedy", graph: decodeGraph(encoded, extractGreedy(encoded.egraph, cost)) });
  candidates.push(...memoryCandidates(encoded, cost), { label: "imported graph", graph: source });
  const selection = selectWithinBudget(candidates, options.sramBudget, modelName);
  return {
    graph: selection.graph,
    report: {
      ...report,
      used: selection.chosen.label,
      sram: { budget: options.sramBudget, arenaBytes: selection.chosen.arenaBytes, candidates: selection.candidates },
    },
  };
}
