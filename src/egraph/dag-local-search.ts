import type { StepBudget } from "./dag-budget.js";
import type { DagTable } from "./dag-table.js";

/**
 * Local search over a DAG choice: repeatedly switches one reachable class to another of its
 * nodes when that lowers the DAG cost, until no single switch helps or the step budget is spent.
 * Steps charged: every class a reachability or cost-change walk pops, and `classes` per switch
 * (the heights are recomputed); the budget is charged after each class is tried.
 *
 * Invariants: `choice` is acyclic over ALL classes that have a choice (not only the reachable
 * ones), so a switch is legal exactly when the class is not reachable from the new node's
 * children; `uses[c]` counts the chosen-node edges from reachable classes into c (plus one per
 * root occurrence), so c is in the program iff `uses[c] > 0`. A switch's cost change is found by
 * propagating use-count changes through the classes that enter or leave the program, which is
 * proportional to the size of that change, not of the program.
 *
 * Mutates `choice`; returns the number of switches made.
 */
export function improveLocally(table: DagTable, choice: Int32Array, roots: readonly number[], budget: StepBudget): number {
  const count = table.ids.length;
  const uses = new Int32Array(count);
  const childrenOf = (cls: number): readonly number[] => table.nodes[cls]![choice[cls]!]!.children;
  const ownOf = (cls: number): number => table.nodes[cls]![choice[cls]!]!.own;
  for (const root of roots) addUse(root, uses);
  // Switches must gain more than float noise, or rounding could make the search cycle.
  let total = 0;
  for (let cls = 0; cls < count; cls++) if (uses[cls]! > 0) total += ownOf(cls);
  const epsilon = 1e-9 * Math.max(1, total);

  function addUse(cls: number, counts: Int32Array): void {
    const stack = [cls];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (counts[k]!++ === 0) for (const child of childrenOf(k)) stack.push(child);
    }
  }

  let heights = computeHeights(table, choice);
  let switches = 0;
  let visited = new Int32Array(count);
  let stamp = 0;
  let steps = 0;
  /** Whether `target` is reachable from `from` through chosen nodes (a switch would close a cycle). */
  const reaches = (from: number, target: number): boolean => {
    stamp++;
    const stack = [from];
    while (stack.length > 0) {
      const k = stack.pop()!;
      steps++;
      if (k === target) return true;
      if (visited[k] === stamp || heights[k]! <= heights[target]!) continue;
      visited[k] = stamp;
      for (const child of childrenOf(k)) stack.push(child);
    }
    return false;
  };

  let withinBudget = true;
  for (let improved = true; improved && withinBudget; ) {
    improved = false;
    for (let cls = 0; cls < count && withinBudget; cls++) {
      if (uses[cls] === 0) continue;
      const current = choice[cls]!;
      let bestDelta = -epsilon;
      let bestPick = -1;
      let bestChanges: Map<number, number> | undefined;
      table.nodes[cls]!.forEach((candidate, pick) => {
        if (pick === current || candidate.children.some((child) => choice[child]! < 0 || reaches(child, cls))) return;
        const { delta, changes } = switchDelta(cls, pick);
        if (delta < bestDelta) {
          bestDelta = delta;
          bestPick = pick;
          bestChanges = changes;
        }
      });
      if (bestChanges !== undefined) {
        for (const [k, value] of bestChanges) uses[k] = value;
        choice[cls] = bestPick;
        heights = computeHeights(table, choice);
        visited = new Int32Array(count);
        stamp = 0;
        steps += count;
        switches++;
        improved = true;
      }
      withinBudget = budget.charge(steps + 1);
      steps = 0;
    }
  }
  return switches;

  /**
   * Cost change of choosing node `pick` for class `cls`, and the resulting use counts of the
   * classes that change. New uses are added before old ones are removed so a class shared by the
   * old and new node never leaves and re-enters the program.
   */
  function switchDelta(cls: number, pick: number): { delta: number; changes: Map<number, number> } {
    const changes = new Map<number, number>();
    const get = (k: number): number => changes.get(k) ?? uses[k]!;
    const next = table.nodes[cls]![pick]!;
    let delta = next.own - ownOf(cls);
    const adding = [...next.children];
    while (adding.length > 0) {
      const k = adding.pop()!;
      steps++;
      const before = get(k);
      changes.set(k, before + 1);
      if (before === 0) {
        delta += ownOf(k);
        for (const child of childrenOf(k)) adding.push(child);
      }
    }
    const removing = [...childrenOf(cls)];
    while (removing.length > 0) {
      const k = removing.pop()!;
      steps++;
      const after = get(k) - 1;
      changes.set(k, after);
      if (after === 0) {
        delta -= ownOf(k);
        for (const child of childrenOf(k)) removing.push(child);
      }
    }
    return { delta, changes };
  }
}

/**
 * Longest chosen path from each class down to a leaf (-1 for classes without a choice). A class
 * reachable from k has a smaller height than k, which lets `reaches` prune. Requires an acyclic choice.
 */
export function computeHeights(table: DagTable, choice: ArrayLike<number>): Int32Array {
  const count = table.ids.length;
  const heights = new Int32Array(count).fill(-2); // -2: not computed yet
  for (let start = 0; start < count; start++) {
    if (heights[start] !== -2) continue;
    const stack = [start];
    while (stack.length > 0) {
      const cls = stack[stack.length - 1]!;
      const node = table.nodes[cls]![choice[cls]!];
      if (node === undefined) {
        heights[cls] = -1;
        stack.pop();
        continue;
      }
      const pendingChild = node.children.find((child) => heights[child] === -2);
      if (pendingChild !== undefined) {
        if (stack.length > count) throw new Error("internal: DAG extraction: the choice has a cycle");
        stack.push(pendingChild);
        continue;
      }
      heights[cls] = 1 + Math.max(-1, ...node.children.map((child) => heights[child]!));
      stack.pop();
    }
  }
  return heights;
}
