import { extractGreedy, type Extraction } from "../egraph/extract.js";
import { dagCostOf, DEFAULT_DAG_STEP_LIMIT, extractDag, type DagStatus } from "../egraph/extract-dag.js";
import { saturate, type RunnerLimits, type StopReason } from "../egraph/runner.js";
import { NO_SAFETY_NET, type SafetyNet } from "../egraph/safety-net.js";
import type { CostModel } from "../../costmodels/types.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { RuleAst } from "../rules/ast.js";
import type { ProgressListener } from "../util/progress.js";
import { ruleToRewrite } from "./to-rewrite.js";
import { costFunctionFor } from "./cost.js";
import { decodeGraph } from "./decode.js";
import { encodeGraph, type EncodedGraph } from "./encode.js";
import { memoryCandidates, selectWithinBudget, type EvaluatedCandidate } from "./sram-select.js";
import { offerPatchedStages, type OfferAllowance } from "./patch-offer.js";
import { patchCandidates } from "./patch-candidates.js";

/** Every limit of the optimizer: saturation's (`RunnerLimits`) and the DAG extraction's search steps. */
export interface OptimizerLimits extends RunnerLimits {
  readonly extractionSteps: number;
}

/**
 * Work limits, never time: the same model gives the same program on any machine under any load.
 * Every model in ../shared saturates well inside the saturation limits (at most 8 iterations,
 * 716 e-nodes, 6,335 rule applications), so they only bound pathological rule sets and inputs;
 * saturation is a search for better programs, not a fixpoint we must reach, and stopping early
 * only leaves optimisations out. docs/optimizer-limits.md gives the measurements.
 */
export const OPTIMIZER_LIMITS: OptimizerLimits = { iterations: 12, nodes: 40_000, applications: 100_000, extractionSteps: DEFAULT_DAG_STEP_LIMIT };

export interface OptimizeOptions {
  /** The ops of the compile (the graph's and the rules'). */
  readonly ops: OpRegistry;
  readonly rules: readonly RuleAst[];
  /** The cost model extraction minimises (the target's). */
  readonly costModel: CostModel;
  /** Overrides of `OPTIMIZER_LIMITS`. */
  readonly limits?: Partial<OptimizerLimits>;
  /**
   * "dag" (default): DAG-aware extraction (shared sub-expressions cost once) seeded with greedy,
   * under `limits.extractionSteps`; "greedy": bottom-up tree-cost extraction only.
   */
  readonly extractor?: ExtractorName;
  /** A wall-clock net over saturation and extraction that may only abort (default: none). */
  readonly safetyNet?: SafetyNet;
  /** Largest arena in bytes: extraction picks the cheapest candidate program that fits, or fails. */
  readonly sramBudget?: number;
  /** Progress events: one per saturation iteration (out of the iteration limit), one when extraction starts. */
  readonly onProgress?: ProgressListener;
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
  /** Whether the DAG search proved its program optimal or which work limit stopped it (DAG extractor only). */
  readonly dagStatus?: DagStatus;
  /** Search steps the DAG extractor spent (DAG extractor only). */
  readonly dagSteps?: number;
  readonly dagMs?: number;
  /** With an SRAM budget: the budget, the chosen program's arena and every candidate measured. */
  readonly sram?: { readonly budget: number; readonly arenaBytes: number; readonly candidates: readonly EvaluatedCandidate[] };
  /** The work limit that stopped the patch offers before every chain was offered (SRAM budget only). */
  readonly patchOffersStopped?: "node-limit" | "application-limit";
}

/** The work the optimizer did, in the units of its limits: identical on every machine for the same input. */
export interface OptimizerWork {
  readonly iterations: number;
  readonly enodes: number;
  /** Matches the rule searches returned. */
  readonly matches: number;
  /** Matches applied (guard passed, right-hand side built): what `limits.applications` counts. */
  readonly ruleApplications: number;
  /** Steps of the DAG extraction's searches (0 with the greedy extractor). */
  readonly extractionSteps: number;
  /**
   * Patch-based alternatives built under an SRAM budget (patch-offer.ts): each is one e-node and
   * one application, counted against `limits.nodes` and `limits.applications` after saturation.
   */
  readonly patchOffers: number;
}

export interface SaturationReport {
  readonly iterations: number;
  readonly nodes: number;
  readonly classes: number;
  /** What stopped saturation: always a work count (or "saturated"), never time. */
  readonly stopReason: StopReason;
  readonly limits: OptimizerLimits;
  readonly work: OptimizerWork;
  /** Matches applied (unions that changed the graph) per rule, over all iterations; rules with 0 omitted. */
  readonly hits: Readonly<Record<string, number>>;
  readonly saturateMs: number;
  readonly extractMs: number;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  readonly extraction: ExtractionReport;
  /** Each iteration's e-graph size after its rebuild and the rule applications that changed it. */
  readonly perIteration: readonly { readonly nodes: number; readonly classes: number; readonly applied: number }[];
}

export interface OptimizeResult {
  readonly graph: Graph;
  readonly report: SaturationReport;
  /** The saturated e-graph (for `--dump egraph`). */
  readonly encoded: EncodedGraph;
}

/** Graph -> e-graph -> saturate with the rules -> extract the cheapest program -> Graph. */
export function optimizeGraph(graph: Graph, options: OptimizeOptions): OptimizeResult {
  const encoded = encodeGraph(graph, options.ops);
  const rewrites = options.rules.map((rule) => ruleToRewrite(rule, encoded.context));
  const limits: OptimizerLimits = { ...OPTIMIZER_LIMITS, ...options.limits };
  const safetyNet = options.safetyNet ?? NO_SAFETY_NET;
  const progress = options.onProgress;
  const run = saturate(encoded.egraph, rewrites, {
    limits,
    safetyNet,
    ...(progress === undefined ? {} : { onIteration: (it) => progress({ task: "saturating", done: it.iteration + 1, total: limits.iterations, detail: `${it.nodes} e-nodes` }) }),
  });
  progress?.({ task: "extracting", done: 0, detail: `${encoded.egraph.nodeCount} e-nodes` });
  const extractStart = performance.now();
  const allowance = { nodes: limits.nodes, applications: Math.max(0, limits.applications - run.work.applications) };
  const { graph: optimized, report: extraction, patchOffers } = extract(encoded, graph, options, limits.extractionSteps, allowance, safetyNet);
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
      limits,
      work: {
        iterations: run.work.iterations,
        enodes: run.work.nodes,
        matches: run.work.matches,
        ruleApplications: run.work.applications,
        extractionSteps: extraction.dagSteps ?? 0,
        patchOffers,
      },
      hits,
      saturateMs: run.totalMs,
      extractMs,
      nodesBefore: graph.nodes.length,
      nodesAfter: optimized.nodes.length,
      extraction,
      perIteration: run.iterations.map((it) => ({ nodes: it.nodes, classes: it.classes, applied: it.rules.reduce((s, r) => s + r.applied, 0) })),
    },
    encoded,
  };
}

/**
 * Extraction step: greedy or DAG; with an SRAM budget, also memory-weighted greedy programs and
 * the imported graph itself (always a valid program), each measured with the arena planner.
 */
function extract(
  encoded: EncodedGraph,
  source: Graph,
  options: OptimizeOptions,
  stepLimit: number,
  allowance: OfferAllowance,
  safetyNet: SafetyNet,
): { graph: Graph; report: ExtractionReport; patchOffers: number } {
  const cost = costFunctionFor(encoded.egraph, encoded.context, options.costModel);
  // Patch-based alternatives only matter to an SRAM budget: cost-only extraction never takes one.
  const offered = options.sramBudget === undefined ? undefined : offerPatchedStages(encoded, cost, options.ops, allowance);
  const patchOffers = offered?.offers ?? [];
  const requested = options.extractor ?? "dag";
  let chosen: Extraction;
  let report: ExtractionReport;
  if (requested === "dag") {
    const dag = extractDag(encoded.egraph, encoded.outputs, cost, { stepLimit, safetyNet });
    chosen = dag;
    const used = dag.source === "greedy" ? "greedy" : `dag (${dag.source})`;
    report = { used, requested, greedyCost: dag.greedyDagCost, cost: dag.dagCost, dagStatus: dag.status, dagSteps: dag.steps, dagMs: dag.ms };
  } else {
    chosen = extractGreedy(encoded.egraph, cost);
    const dagCost = dagCostOf(encoded.egraph, encoded.outputs, chosen, cost);
    report = { used: "greedy", requested, greedyCost: dagCost, cost: dagCost };
  }
  const program = decodeGraph(encoded, chosen);
  if (options.sramBudget === undefined) return { graph: program, report, patchOffers: 0 };

  const candidates = [{ label: report.used, graph: program }];
  if (report.used !== "greedy") candidates.push({ label: "greedy", graph: decodeGraph(encoded, extractGreedy(encoded.egraph, cost)) });
  candidates.push(...memoryCandidates(encoded, cost), ...patchCandidates(encoded, cost, patchOffers), { label: "imported graph", graph: source });
  const selection = selectWithinBudget(candidates, options.sramBudget, options.costModel, options.ops);
  return {
    graph: selection.graph,
    report: {
      ...report,
      used: selection.chosen.label,
      sram: { budget: options.sramBudget, arenaBytes: selection.chosen.arenaBytes, candidates: selection.candidates },
      ...(offered?.stoppedBy === undefined ? {} : { patchOffersStopped: offered.stoppedBy }),
    },
    patchOffers: offered?.built ?? 0,
  };
}
