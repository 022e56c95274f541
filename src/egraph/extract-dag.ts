import { fail } from "../errors.js";
import { StepBudget } from "./dag-budget.js";
import { branchAndBound } from "./dag-branch-bound.js";
import { improveLocally } from "./dag-local-search.js";
import { computeMustSets } from "./dag-must.js";
import { buildDagTable, choiceCost, type DagTable } from "./dag-table.js";
import type { ClassId, ENode, Term } from "./enode.js";
import type { EGraph } from "./egraph.js";
import { extractGreedy, type CostFunction, type Extraction } from "./extract.js";
import type { SafetyNet } from "./safety-net.js";

export interface DagExtractOptions {
  /** Work limit of the searches after greedy extraction, in steps (see `StepBudget`; default `DEFAULT_DAG_STEP_LIMIT`). */
  readonly stepLimit?: number;
  /** Checked while searching; it may only throw (default: none). */
  readonly safetyNet?: SafetyNet;
  /** Clock in milliseconds for the reported `ms`; injectable for tests. */
  readonly now?: () => number;
}

/**
 * How the search ended: "optimal" when branch and bound finished (the program is a minimum);
 * otherwise the work limit that cut it short (the best program found so far is returned).
 */
export type DagStatus = "optimal" | "step-limit" | "depth-limit";

/** Which search produced the returned program. "greedy" means neither search found a cheaper one. */
export type DagSource = "greedy" | "local-search" | "branch-and-bound";

export interface DagExtraction extends Extraction {
  /** DAG cost of the returned program: each class reachable from the roots counted once. */
  readonly dagCost: number;
  /** DAG cost of the greedy program (the seed); `dagCost <= greedyDagCost` always. */
  readonly greedyDagCost: number;
  readonly source: DagSource;
  readonly status: DagStatus;
  /** Steps the searches spent (at most the limit plus the last charge). */
  readonly steps: number;
  /** Wall-clock milliseconds: reported, never used to decide anything. */
  readonly ms: number;
}

/**
 * About the 100 ms the former deadline allowed (the searches run ~5-7 million steps per CPU
 * second on a small machine). On the shared models more steps never found a program cheaper than
 * greedy's; they only prove more of them optimal (docs/optimizer-limits.md).
 */
export const DEFAULT_DAG_STEP_LIMIT = 500_000;

/**
 * DAG-aware extraction: a program computes a shared sub-expression once, so its cost is the sum
 * of its distinct nodes' own costs, not the tree cost greedy extraction minimises. The own cost
 * of a node is `costOf(node, () => 0)` (the cost function with free children), so `costOf` must
 * be additive: own cost + Σ child costs (as `astSize` and the IR cost models are).
 *
 * Three stages, each starting from the best program so far, so the result is never worse than
 * greedy: greedy extraction (the seed), local search switching one class's node at a time, and
 * branch and bound, which proves optimality when it finishes inside the step limit. The two
 * searches share one step budget; when it is spent the best program found so far is returned
 * with status "step-limit". Nothing here reads a clock to decide: same e-graph, same program.
 */
export function extractDag<D>(egraph: EGraph<D>, roots: readonly ClassId[], costOf: CostFunction, options: DagExtractOptions = {}): DagExtraction {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const budget = new StepBudget(options.stepLimit ?? DEFAULT_DAG_STEP_LIMIT, options.safetyNet);

  const greedy = extractGreedy(egraph, costOf);
  const table = buildDagTable(egraph, (node) => costOf(node, () => 0));
  const rootIndices = roots.map((id) => {
    const index = table.indexOf.get(egraph.find(id))!;
    if (!Number.isFinite(greedy.cost(id))) fail("internal", `e-class ${id}`, "no finite-cost term: every node of this root depends on a cycle");
    return index;
  });
  const greedyChoice = greedyChoiceOf(table, greedy);
  const greedyDagCost = choiceCost(table, greedyChoice, rootIndices);

  const local = greedyChoice.slice();
  const switches = improveLocally(table, local, rootIndices, budget);
  const localCost = switches > 0 ? choiceCost(table, local, rootIndices) : greedyDagCost;

  const candidates = candidateLists(table, greedyChoice, (node) => costOf(node, (child) => greedy.cost(child)));
  const bottomUp = table.ids.map((_, cls) => cls).sort((a, b) => greedy.cost(table.ids[a]!) - greedy.cost(table.ids[b]!) || a - b);
  const must = computeMustSets(table, candidates, bottomUp);
  const exact = branchAndBound(table, rootIndices, candidates, localCost, budget, must);

  let choice = greedyChoice;
  let source: DagSource = "greedy";
  let dagCost = greedyDagCost;
  if (exact.choice !== undefined) {
    // Classes outside the program keep their greedy node, so `bestNode`/`term` work for any class.
    choice = greedyChoice.slice();
    exact.choice.forEach((pick, cls) => {
      if (pick >= 0) choice[cls] = pick;
    });
    source = "branch-and-bound";
    dagCost = exact.cost;
  } else if (localCost < greedyDagCost) {
    choice = local;
    source = "local-search";
    dagCost = localCost;
  }
  return makeExtraction(egraph, table, choice, {
    dagCost,
    greedyDagCost,
    source,
    status: exact.status === "complete" ? "optimal" : exact.status,
    steps: budget.used,
    ms: now() - start,
  });
}

/** Greedy's node per class as a dense choice (-1 where greedy found no finite term). */
function greedyChoiceOf(table: DagTable, greedy: Extraction): Int32Array {
  return Int32Array.from(table.ids, (id, cls) => {
    if (!Number.isFinite(greedy.cost(id))) return -1;
    const node = greedy.bestNode(id);
    return table.nodes[cls]!.findIndex((dense) => dense.node === node);
  });
}

/**
 * Per class, the nodes whose children all have a finite program, by ascending `rank` (ties: key
 * order), without dominated nodes: m is dominated by an earlier-ranked n when own(n) <= own(m)
 * and n's children are a subset of m's. Switching m to n then never adds a class to the program
 * nor closes a cycle, so some optimum avoids m. (A folded `Const` leaf dominates its whole class.)
 */
function candidateLists(table: DagTable, seed: Int32Array, rank: (node: ENode) => number): number[][] {
  return table.nodes.map((nodes) => {
    const picks = nodes.map((_, pick) => pick).filter((pick) => nodes[pick]!.children.every((child) => seed[child]! >= 0));
    const ranks = new Map(picks.map((pick) => [pick, rank(nodes[pick]!.node)]));
    picks.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a - b);
    const kept: number[] = [];
    for (const pick of picks) {
      const node = nodes[pick]!;
      const children = new Set(node.children);
      const dominated = kept.some((k) => nodes[k]!.own <= node.own && nodes[k]!.children.every((child) => children.has(child)));
      if (!dominated) kept.push(pick);
    }
    return kept;
  });
}

function makeExtraction<D>(
  egraph: EGraph<D>,
  table: DagTable,
  choice: Int32Array,
  facts: Pick<DagExtraction, "dagCost" | "greedyDagCost" | "source" | "status" | "steps" | "ms">,
): DagExtraction {
  const indexOf = (id: ClassId): number => table.indexOf.get(egraph.find(id))!;
  const bestNode = (id: ClassId): ENode => {
    const cls = indexOf(id);
    const node = table.nodes[cls]![choice[cls]!];
    if (node === undefined) fail("internal", `e-class ${id}`, "no finite-cost term: every node of this class depends on a cycle");
    return node.node;
  };
  const costs = new Map<number, number>();
  const cost = (id: ClassId): number => {
    const cls = indexOf(id);
    let known = costs.get(cls);
    if (known === undefined) costs.set(cls, (known = choiceCost(table, choice, [cls])));
    return known;
  };
  const term = (id: ClassId): Term => {
    const node = bestNode(id);
    return { op: node.op, attrs: node.attrs, children: node.children.map(term) };
  };
  return { ...facts, bestNode, cost, term };
}

/** DAG cost of any extraction's program from the roots: each reachable class's chosen node's own cost, once. */
export function dagCostOf<D>(egraph: EGraph<D>, roots: readonly ClassId[], extraction: Extraction, costOf: CostFunction): number {
  const seen = new Set<ClassId>();
  const stack = roots.map((id) => egraph.find(id));
  let total = 0;
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = extraction.bestNode(id);
    total += costOf(node, () => 0);
    for (const child of node.children) stack.push(egraph.find(child));
  }
  return total;
}
