import type { StepBudget } from "./dag-budget.js";
import type { MustSets } from "./dag-must.js";
import type { DagTable } from "./dag-table.js";

export interface BranchBoundResult {
  /** A choice strictly cheaper than the incumbent, if one was found (-1 for classes not in the program). */
  readonly choice: Int32Array | undefined;
  readonly cost: number;
  /**
   * "complete": the search space was exhausted, so the result (or the incumbent when `choice` is
   * undefined) is optimal; otherwise the limit that cut the search short.
   */
  readonly status: "complete" | "step-limit" | "depth-limit";
}

/** Deepest nesting of branch points before giving up (keeps the recursion inside the JS stack). */
const MAX_BRANCH_DEPTH = 2_000;

/**
 * Exact DAG extraction by branch and bound, top-down from the roots: the classes a partial
 * program needs but has not chosen yet are "open"; the search picks an open class, tries each of
 * its candidate nodes (in the caller's order, cheapest first, so the first dive is the greedy
 * program), and opens the chosen node's children. Classes with one legal node are fixed without
 * branching. Bound: cost of the chosen nodes plus, for every class not chosen yet that some open
 * class certainly needs (its must-set, `dag-must.ts`; without must-sets, just the open classes),
 * that class's cheapest own cost: each such class must still be computed once, so this never
 * overestimates. Only programs strictly cheaper than `incumbentCost` are reported.
 *
 * Legality: a node may not be chosen when its class is reachable from one of its children
 * through chosen nodes (the chosen nodes stay acyclic by induction).
 *
 * `candidates[c]` lists the node indices of class c whose children can all be computed.
 *
 * Steps charged to `budget`: one per search node, plus every class a lower bound or a
 * reachability check visits. The search stops (keeping the best program found) once it is spent.
 */
export function branchAndBound(
  table: DagTable,
  roots: readonly number[],
  candidates: ReadonlyArray<readonly number[]>,
  incumbentCost: number,
  budget: StepBudget,
  must?: MustSets,
): BranchBoundResult {
  const count = table.ids.length;
  const minOwn = candidates.map((picks, cls) => Math.min(...picks.map((pick) => table.nodes[cls]![pick]!.own)));
  const fixed = new Int32Array(count).fill(-1);
  const open = new Uint8Array(count);
  const pending: number[] = [];
  const epsilon = 1e-9 * Math.max(1, Number.isFinite(incumbentCost) ? incumbentCost : 1);
  let cost = 0;
  let lower = 0;
  let best = incumbentCost;
  let bestChoice: Int32Array | undefined;
  let stopped: "step-limit" | "depth-limit" | undefined;
  let steps = 0;
  const visited = new Int32Array(count);
  let stamp = 0;

  /** A log of one frame's changes, undone in reverse: a pop from `pending` or a chosen node. */
  type Change = { readonly pop: number } | { readonly cls: number; readonly pick: number; readonly opened: number };

  const openClass = (cls: number): void => {
    open[cls] = 1;
    lower += minOwn[cls]!;
    pending.push(cls);
  };
  for (const root of roots) if (open[root] === 0) openClass(root);

  const choose = (cls: number, pick: number, log: Change[]): void => {
    const node = table.nodes[cls]![pick]!;
    fixed[cls] = pick;
    open[cls] = 0;
    lower -= minOwn[cls]!;
    cost += node.own;
    let opened = 0;
    for (const child of node.children) {
      if (fixed[child]! < 0 && open[child] === 0) {
        openClass(child);
        opened++;
      }
    }
    log.push({ cls, pick, opened });
  };

  const undo = (log: Change[]): void => {
    for (let i = log.length - 1; i >= 0; i--) {
      const change = log[i]!;
      if ("pop" in change) {
        pending.push(change.pop);
        continue;
      }
      for (let k = 0; k < change.opened; k++) {
        const child = pending.pop()!;
        open[child] = 0;
        lower -= minOwn[child]!;
      }
      fixed[change.cls] = -1;
      open[change.cls] = 1;
      lower += minOwn[change.cls]!;
      cost -= table.nodes[change.cls]![change.pick]!.own;
    }
    log.length = 0;
  };

  const nextOpen = (log: Change[]): number => {
    while (pending.length > 0) {
      const cls = pending.pop()!;
      log.push({ pop: cls });
      if (open[cls] === 1) return cls;
    }
    return -1;
  };

  /** Whether `target` is reachable from `from` through chosen nodes. */
  const reaches = (from: number, target: number): boolean => {
    stamp++;
    const stack = [from];
    while (stack.length > 0) {
      const k = stack.pop()!;
      steps++;
      if (k === target) return true;
      if (visited[k] === stamp || fixed[k]! < 0) continue;
      visited[k] = stamp;
      for (const child of table.nodes[k]![fixed[k]!]!.children) stack.push(child);
    }
    return false;
  };

  /**
   * Lower bound on any completion. U = the union of the open classes' must-sets (classes every
   * completion computes); F = the unchosen classes outside U reachable from U through candidates
   * (classes a completion may compute). A class i of F is worth x(i) = min over its candidates of
   * own + Σ x(j) / P(j) over its distinct children j in F, where P(j) counts the classes of U ∪ F
   * with a candidate using j; each class of U costs at least the same expression. Dividing by P
   * charges a shared class at most once in total (the telescoping argument of tree-cost bounds),
   * so the bound stays admissible; x is iterated upward from 0, and any iterate is a lower bound.
   * This is what charges the unfused Conv under a `Relu(Conv)` alternative to its class.
   */
  const union = new Uint32Array(must?.words ?? 0);
  const region = new Uint8Array(count); // 1: in U, 2: in F
  const parents = new Int32Array(count);
  const lastParent = new Int32Array(count).fill(-1);
  const worth = new Float64Array(count);
  const members: number[] = [];
  const frontier: number[] = [];
  const valueOf = (cls: number, pick: number): number => {
    const node = table.nodes[cls]![pick]!;
    let value = node.own;
    node.children.forEach((j, i) => {
      if (region[j] === 2 && node.children.indexOf(j) === i) value += worth[j]! / parents[j]!;
    });
    return value;
  };
  const cheapestValue = (cls: number): number => candidates[cls]!.reduce((min, pick) => Math.min(min, valueOf(cls, pick)), Infinity);
  const strongBound = (): number => {
    if (must === undefined) return cost + lower;
    union.fill(0);
    for (const cls of pending) {
      if (open[cls] !== 1) continue;
      const base = cls * must.words;
      for (let w = 0; w < must.words; w++) union[w]! |= must.bits[base + w]!;
    }
    members.length = 0;
    frontier.length = 0;
    for (let w = 0; w < must.words; w++) {
      for (let word = union[w]!; word !== 0; word &= word - 1) {
        const cls = w * 32 + 31 - Math.clz32(word & -word);
        if (fixed[cls]! < 0) {
          members.push(cls);
          region[cls] = 1;
        }
      }
    }
    const visit = (cls: number): void => {
      for (const pick of candidates[cls]!) {
        for (const j of table.nodes[cls]![pick]!.children) {
          if (fixed[j]! >= 0 || region[j] === 1) continue;
          if (region[j] === 0) {
            region[j] = 2;
            parents[j] = 0;
            worth[j] = 0;
            frontier.push(j);
          }
          if (lastParent[j] !== cls) {
            lastParent[j] = cls;
            parents[j]!++;
          }
        }
      }
    };
    for (const cls of members) visit(cls);
    for (let i = 0; i < frontier.length; i++) visit(frontier[i]!);
    steps += members.length + frontier.length;
    for (let pass = 0; pass < 2; pass++) for (let i = frontier.length - 1; i >= 0; i--) worth[frontier[i]!] = cheapestValue(frontier[i]!);
    let total = cost;
    for (const cls of members) total += cheapestValue(cls);
    for (const cls of members) region[cls] = 0;
    for (const cls of frontier) {
      region[cls] = 0;
      lastParent[cls] = -1;
    }
    return total;
  };

  const search = (depth: number): void => {
    if (!budget.charge(steps + 1)) stopped = "step-limit";
    steps = 0;
    if (depth > MAX_BRANCH_DEPTH) stopped ??= "depth-limit";
    if (stopped !== undefined || strongBound() >= best - epsilon) return;
    const log: Change[] = [];
    for (;;) {
      if (cost + lower >= best - epsilon) break;
      const cls = nextOpen(log);
      if (cls < 0) {
        best = cost;
        bestChoice = fixed.slice();
        break;
      }
      const picks = candidates[cls]!.filter((pick) => !table.nodes[cls]![pick]!.children.some((child) => reaches(child, cls)));
      if (picks.length === 0) break;
      if (picks.length === 1) {
        choose(cls, picks[0]!, log);
        continue;
      }
      for (const pick of picks) {
        const branch: Change[] = [];
        choose(cls, pick, branch);
        search(depth + 1);
        undo(branch);
        if (stopped !== undefined) break;
      }
      break;
    }
    undo(log);
  };
  search(0);
  budget.charge(steps);
  return { choice: bestChoice, cost: best, status: stopped ?? "complete" };
}
