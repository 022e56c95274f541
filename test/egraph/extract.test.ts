import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  astSize,
  EGraph,
  extractGreedy,
  makeENode,
  noAnalysis,
  termToString,
  type ClassId,
  type CostFunction,
  type Term,
} from "../../src/egraph/index.js";
import { RANDOM_ATTRS, RANDOM_OPS, runScript, scriptArb } from "./random-egraph.js";
import { parseTerm } from "./sexpr.js";

describe("greedy extraction (unit)", () => {
  it("picks the smallest equivalent term", () => {
    const egraph = new EGraph(noAnalysis);
    const big = egraph.addTerm(parseTerm("(* (+ x 0) 1)"));
    egraph.union(big, egraph.addTerm(parseTerm("(+ x 0)")));
    egraph.union(egraph.addTerm(parseTerm("(+ x 0)")), egraph.addTerm(parseTerm("x")));
    egraph.rebuild();
    const extraction = extractGreedy(egraph, astSize);
    expect(termToString(extraction.term(big))).toBe("x");
    expect(extraction.cost(big)).toBe(1);
  });

  it("never extracts through a cycle", () => {
    const egraph = new EGraph(noAnalysis);
    const x = egraph.add(makeENode("x"));
    const gx = egraph.add(makeENode("g", [x]));
    egraph.union(x, gx); // class = {x, g(class)}
    egraph.rebuild();
    expect(termToString(extractGreedy(egraph, astSize).term(gx))).toBe("x");
  });

  it("refuses a dirty e-graph", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.union(egraph.add(makeENode("a")), egraph.add(makeENode("b")));
    expect(() => extractGreedy(egraph, astSize)).toThrow(/rebuild/);
  });
});

// ---- exhaustive reference --------------------------------------------------------------------

/** Cost of a tree, evaluating the same cost function with positional child ids. */
function termCost(term: Term, cost: CostFunction): number {
  const childCosts = term.children.map((child) => termCost(child, cost));
  return cost({ op: term.op, attrs: term.attrs, children: childCosts.map((_, i) => i) }, (i) => childCosts[i] ?? Infinity);
}

/**
 * Costs of every term a class represents that never repeats a class along a root-to-leaf path
 * (for monotone costs, such terms include a cheapest one: cutting out a repeat never costs more).
 */
function allCosts(egraph: EGraph<undefined>, id: ClassId, onPath: ReadonlySet<ClassId>, cost: CostFunction): Set<number> {
  const costs = new Set<number>();
  const path = new Set(onPath).add(id);
  for (const node of egraph.getClass(id).nodes) {
    if (node.children.some((child) => path.has(child))) continue;
    const options = node.children.map((child) => [...allCosts(egraph, child, path, cost)]);
    const combos = options.reduce<number[][]>((acc, list) => acc.flatMap((prefix) => list.map((c) => [...prefix, c])), [[]]);
    for (const combo of combos) {
      costs.add(cost({ ...node, children: combo.map((_, i) => i) }, (i) => combo[i] ?? Infinity));
    }
  }
  return costs;
}

function representedBy(egraph: EGraph<undefined>, term: Term): ClassId | undefined {
  const children = term.children.map((child) => representedBy(egraph, child));
  if (children.some((child) => child === undefined)) return undefined;
  return egraph.lookup({ op: term.op, attrs: term.attrs, children: children as ClassId[] });
}

const weightsArb = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: RANDOM_OPS.length * RANDOM_ATTRS.length, maxLength: RANDOM_OPS.length * RANDOM_ATTRS.length });

function weightOf(weights: readonly number[], op: string, attrs: string): number {
  const index = RANDOM_OPS.findIndex((spec) => spec.op === op) * RANDOM_ATTRS.length + RANDOM_ATTRS.indexOf(attrs);
  return weights[index] ?? 1;
}

describe("greedy extraction is optimal against exhaustive enumeration (property)", () => {
  const costKinds: Array<[string, (weights: readonly number[]) => CostFunction]> = [
    ["weighted tree size", (w) => (node, childCost) => node.children.reduce((sum, c) => sum + childCost(c), weightOf(w, node.op, node.attrs))],
    ["weighted depth", (w) => (node, childCost) => weightOf(w, node.op, node.attrs) + Math.max(0, ...node.children.map(childCost))],
  ];
  for (const [label, makeCost] of costKinds) {
    it(`${label}: extracted term is in the class and its cost is the minimum`, () => {
      fc.assert(
        fc.property(scriptArb({ maxCommands: 12, unions: true }), weightsArb, (commands, weights) => {
          const cost = makeCost(weights);
          const { egraph, ids } = runScript(commands, noAnalysis);
          const extraction = extractGreedy(egraph, cost);
          for (const id of new Set(ids.map((i) => egraph.find(i)))) {
            const minimum = Math.min(...allCosts(egraph, id, new Set(), cost));
            const term = extraction.term(id);
            expect(extraction.cost(id)).toBe(minimum);
            expect(termCost(term, cost)).toBe(minimum);
            expect(representedBy(egraph, term)).toBe(id);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
