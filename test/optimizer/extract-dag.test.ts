import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EGraph, extractDag, extractGreedy, makeENode, noAnalysis, termToString, type ClassId, type CostFunction, type ENode } from "../../src/egraph/index.js";
import { RANDOM_ATTRS, RANDOM_OPS, runScript, scriptArb } from "../egraph/random-egraph.js";

/** An additive cost: own weight per (op, attrs) plus the children's costs. */
function weighted(weightOf: (node: ENode) => number): CostFunction {
  return (node, childCost) => node.children.reduce((sum, child) => sum + childCost(child), weightOf(node));
}

/**
 * Reference DAG cost of a choice (written independently of the extractor): the classes reachable
 * from the roots through the chosen nodes, each counted once; Infinity on a cycle.
 */
function referenceDagCost(egraph: EGraph<undefined>, roots: readonly ClassId[], pick: (id: ClassId) => ENode, own: (node: ENode) => number): number {
  const done = new Set<ClassId>();
  const onPath = new Set<ClassId>();
  let total = 0;
  const visit = (raw: ClassId): boolean => {
    const id = egraph.find(raw);
    if (done.has(id)) return true;
    if (onPath.has(id)) return false;
    onPath.add(id);
    const node = pick(id);
    total += own(node);
    const ok = node.children.every(visit);
    onPath.delete(id);
    done.add(id);
    return ok;
  };
  return roots.every(visit) ? total : Infinity;
}

/** Minimum DAG cost over every choice of one node per class (brute force), or undefined when too many. */
function bruteForceMinimum(egraph: EGraph<undefined>, roots: readonly ClassId[], own: (node: ENode) => number, limit: number): number | undefined {
  const ids = egraph.classIds();
  const options = ids.map((id) => egraph.getClass(id).nodes);
  if (options.reduce((product, nodes) => product * nodes.length, 1) > limit) return undefined;
  const position = new Map(ids.map((id, i) => [id, i]));
  const picks = ids.map(() => 0);
  let best = Infinity;
  for (;;) {
    const cost = referenceDagCost(egraph, roots, (id) => options[position.get(id)!]![picks[position.get(id)!]!]!, own);
    best = Math.min(best, cost);
    let digit = 0;
    while (digit < picks.length && ++picks[digit]! === options[digit]!.length) picks[digit++] = 0;
    if (digit === picks.length) return best;
  }
}

const weightsArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: RANDOM_OPS.length * RANDOM_ATTRS.length, maxLength: RANDOM_OPS.length * RANDOM_ATTRS.length });
const weightFrom = (weights: readonly number[]) => (node: ENode) =>
  weights[RANDOM_OPS.findIndex((spec) => spec.op === node.op) * RANDOM_ATTRS.length + RANDOM_ATTRS.indexOf(node.attrs)] ?? 1;

describe("DAG extraction (unit)", () => {
  /**
   * Two outputs r1, r2, each either p(B)/p'(B) (own 1, sharing an expensive B = h(x), own 5) or
   * q(x)/q'(x) (own 4). Greedy minimises each tree: q + q' = 4 + 4 + x. Sharing B gives
   * 1 + 1 + 5 + x, cheaper, but only by switching both outputs at once (no single switch helps).
   */
  function sharedChoice() {
    const egraph = new EGraph(noAnalysis);
    const x = egraph.add(makeENode("x"));
    const b = egraph.add(makeENode("h", [x]));
    const r1 = egraph.add(makeENode("p", [b]));
    const r2 = egraph.add(makeENode("p2", [b]));
    egraph.union(r1, egraph.add(makeENode("q", [x])));
    egraph.union(r2, egraph.add(makeENode("q2", [x])));
    egraph.rebuild();
    const own: Record<string, number> = { x: 1, h: 5, p: 1, p2: 1, q: 4, q2: 4 };
    return { egraph, roots: [r1, r2], cost: weighted((node) => own[node.op] ?? 1) };
  }

  it("counts a shared sub-expression once and beats greedy where greedy duplicates work", () => {
    const { egraph, roots, cost } = sharedChoice();
    const greedy = extractGreedy(egraph, cost);
    expect(roots.map((r) => termToString(greedy.term(r)))).toEqual(["(q x)", "(q2 x)"]);
    const dag = extractDag(egraph, roots, cost, { stepLimit: Number.POSITIVE_INFINITY });
    expect(roots.map((r) => termToString(dag.term(r)))).toEqual(["(p (h x))", "(p2 (h x))"]);
    expect(dag.greedyDagCost).toBe(9);
    expect(dag.dagCost).toBe(8);
    expect(dag.source).toBe("branch-and-bound");
    expect(dag.status).toBe("optimal");
  });

  it("falls back to the greedy program when the step limit is already spent, and says so", () => {
    const { egraph, roots, cost } = sharedChoice();
    const dag = extractDag(egraph, roots, cost, { stepLimit: 0 });
    expect(dag.status).toBe("step-limit");
    expect(dag.steps).toBeGreaterThan(0);
    expect(dag.source).toBe("greedy");
    expect(dag.dagCost).toBe(9);
    expect(roots.map((r) => termToString(dag.term(r)))).toEqual(["(q x)", "(q2 x)"]);
  });

  it("never extracts through a cycle", () => {
    const egraph = new EGraph(noAnalysis);
    const x = egraph.add(makeENode("x"));
    const gx = egraph.add(makeENode("g", [x]));
    egraph.union(x, gx);
    egraph.rebuild();
    const dag = extractDag(egraph, [gx], weighted(() => 1));
    expect(termToString(dag.term(gx))).toBe("x");
  });
});

describe("DAG extraction is optimal against brute force over all choice sets (property)", () => {
  it("returns a valid acyclic program of the roots' classes whose DAG cost is the minimum and never above greedy's", () => {
    let compared = 0;
    fc.assert(
      fc.property(scriptArb({ maxCommands: 20, unions: true }), weightsArb, fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 3 }), (commands, weights, rootPicks) => {
        const { egraph, ids } = runScript(commands, noAnalysis);
        fc.pre(ids.length > 0);
        const own = weightFrom(weights);
        const cost = weighted(own);
        const roots = rootPicks.map((r) => egraph.find(ids[r % ids.length]!));
        const greedy = extractGreedy(egraph, cost);
        fc.pre(roots.every((r) => Number.isFinite(greedy.cost(r))));
        const dag = extractDag(egraph, roots, cost, { stepLimit: Number.POSITIVE_INFINITY });

        // Valid: every chosen node belongs to its class, and the chosen program is acyclic.
        for (const id of egraph.classIds()) {
          if (!Number.isFinite(greedy.cost(id))) continue;
          expect(egraph.getClass(id).nodes).toContain(dag.bestNode(id));
        }
        const dagCost = referenceDagCost(egraph, roots, (id) => dag.bestNode(id), own);
        expect(dagCost).toBeLessThan(Infinity);
        expect(dag.dagCost).toBe(dagCost);

        const greedyCost = referenceDagCost(egraph, roots, (id) => greedy.bestNode(id), own);
        expect(dag.greedyDagCost).toBe(greedyCost);
        expect(dagCost).toBeLessThanOrEqual(greedyCost);
        expect(dag.status).toBe("optimal");

        const minimum = bruteForceMinimum(egraph, roots, own, 50_000);
        if (minimum !== undefined) {
          expect(dagCost).toBe(minimum);
          compared++;
        }
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  /**
   * Layered e-graphs, where sharing matters: class i holds 1-3 alternative nodes whose children
   * are earlier classes; each node has its own weight (its op name is unique). Roots are the last classes.
   */
  const layeredArb = fc.array(
    fc.array(fc.record({ children: fc.array(fc.nat({ max: 50 }), { maxLength: 2 }), weight: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 3 }),
    { minLength: 2, maxLength: 8 },
  );

  it("layered e-graphs with shared sub-expressions: DAG cost is the brute-force minimum, often below greedy", () => {
    let beatGreedy = 0;
    fc.assert(
      fc.property(layeredArb, fc.integer({ min: 1, max: 3 }), (layers, rootCount) => {
        const egraph = new EGraph(noAnalysis);
        const classes: ClassId[] = [];
        const weights = new Map<string, number>();
        layers.forEach((alternatives, i) => {
          const ids = alternatives.map((alt, j) => {
            const op = `n${i}_${j}`;
            weights.set(op, alt.weight);
            return egraph.add(makeENode(op, i === 0 ? [] : alt.children.map((c) => classes[c % i]!)));
          });
          for (const id of ids.slice(1)) egraph.union(ids[0]!, id);
          egraph.rebuild();
          classes.push(egraph.find(ids[0]!));
        });
        const own = (node: ENode) => weights.get(node.op) ?? 0;
        const cost = weighted(own);
        const roots = classes.slice(-rootCount).map((id) => egraph.find(id));
        const dag = extractDag(egraph, roots, cost, { stepLimit: Number.POSITIVE_INFINITY });
        const greedy = extractGreedy(egraph, cost);
        const dagCost = referenceDagCost(egraph, roots, (id) => dag.bestNode(id), own);
        const greedyCost = referenceDagCost(egraph, roots, (id) => greedy.bestNode(id), own);
        const minimum = bruteForceMinimum(egraph, roots, own, 1_000_000);
        expect(dag.status).toBe("optimal");
        expect(dag.dagCost).toBe(dagCost);
        expect(dagCost).toBeLessThanOrEqual(greedyCost);
        if (minimum !== undefined) expect(dagCost).toBe(minimum);
        if (dagCost < greedyCost) beatGreedy++;
      }),
      { numRuns: 300 },
    );
    expect(beatGreedy).toBeGreaterThan(5);
  });
});
