import { fail } from "../errors.js";
import type { ClassId, ENode, Term } from "./enode.js";
import type { EGraph } from "./egraph.js";

/**
 * Cost of a node given its children's best costs. Must be strictly monotone in each child cost
 * (e.g. `1 + sum`), which makes the greedy fixpoint terminate and never pick a cyclic term.
 */
export type CostFunction = (node: ENode, childCost: (id: ClassId) => number) => number;

/** Number of nodes in the extracted tree (egg's `AstSize`). */
export const astSize: CostFunction = (node, childCost) => node.children.reduce((sum, child) => sum + childCost(child), 1);

export interface Extraction {
  /** Best cost of the class; Infinity when every node of it depends on a cycle. */
  cost(id: ClassId): number;
  /** The node achieving `cost(id)`. */
  bestNode(id: ClassId): ENode;
  /** The cheapest tree rooted at the class. */
  term(id: ClassId): Term;
}

/**
 * Greedy bottom-up extraction (egg's `Extractor`): repeatedly gives each class the cheapest node
 * whose children all have costs, until no cost improves. Optimal for tree costs; shared subterms
 * are counted once per use. Ties keep the first node in the class's key order (deterministic).
 * Cost: O(iterations × nodes), iterations ≤ the depth of the cheapest terms + 1.
 */
export function extractGreedy<D>(egraph: EGraph<D>, costOf: CostFunction): Extraction {
  if (!egraph.isClean) fail("internal", "extraction", "the e-graph has pending unions; call rebuild() before extracting");
  const best = new Map<ClassId, { cost: number; node: ENode }>();
  const childCost = (id: ClassId): number => best.get(egraph.find(id))?.cost ?? Infinity;

  for (let changed = true; changed; ) {
    changed = false;
    for (const id of egraph.classIds()) {
      const current = best.get(id);
      for (const node of egraph.getClass(id).nodes) {
        if (node.children.some((child) => !best.has(egraph.find(child)))) continue;
        const cost = costOf(node, childCost);
        if (cost < (best.get(id)?.cost ?? Infinity)) best.set(id, { cost, node });
      }
      if (best.get(id) !== current) changed = true;
    }
  }

  const bestNode = (id: ClassId): ENode => {
    const entry = best.get(egraph.find(id));
    if (entry === undefined) fail("internal", `e-class ${id}`, "no finite-cost term: every node of this class depends on a cycle");
    return entry.node;
  };
  const term = (id: ClassId): Term => {
    const node = bestNode(id);
    return { op: node.op, attrs: node.attrs, children: node.children.map(term) };
  };
  return { cost: childCost, bestNode, term };
}
