/**
 * The DAG extractor's work limit counts search steps, so a step-limited extraction is a function
 * of the e-graph and the limit alone: the same program, status and step count however slow the
 * clock runs. More steps never give a worse program, and a limit at or above what the search
 * needs to finish proves the optimum.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EGraph, extractDag, noAnalysis, type ClassId, type CostFunction, type DagExtraction, type ENode } from "../../src/egraph/index.js";
import { RANDOM_ATTRS, RANDOM_OPS, runScript, scriptArb } from "../egraph/random-egraph.js";

const weighted = (own: (node: ENode) => number): CostFunction => (node, childCost) => node.children.reduce((sum, child) => sum + childCost(child), own(node));

/** The extracted program as text: each root's term. */
function programOf(egraph: EGraph<undefined>, roots: readonly ClassId[], dag: DagExtraction): string {
  const show = (id: ClassId): string => {
    const node = dag.bestNode(id);
    return node.children.length === 0 ? node.op : `(${node.op} ${node.children.map(show).join(" ")})`;
  };
  return roots.map((root) => show(egraph.find(root))).join("; ");
}

describe("DAG extraction under a step limit", () => {
  it("is reproducible whatever the clock, never worse with more steps, optimal once the limit covers the search (property)", () => {
    let limited = 0;
    fc.assert(
      fc.property(
        scriptArb({ maxCommands: 24, unions: true }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: RANDOM_OPS.length * RANDOM_ATTRS.length, maxLength: RANDOM_OPS.length * RANDOM_ATTRS.length }),
        fc.nat({ max: 60 }),
        (commands, weights, stepLimit) => {
          const { egraph, ids } = runScript(commands, noAnalysis);
          fc.pre(ids.length > 1);
          const own = (node: ENode) => weights[RANDOM_OPS.findIndex((s) => s.op === node.op) * RANDOM_ATTRS.length + RANDOM_ATTRS.indexOf(node.attrs)] ?? 1;
          const cost = weighted(own);
          const roots = [ids[ids.length - 1]!, ids[ids.length >> 1]!].map((id) => egraph.find(id));
          let slow = 0;
          const first = extractDag(egraph, roots, cost, { stepLimit, now: () => (slow += 3_600_000) });
          const second = extractDag(egraph, roots, cost, { stepLimit, now: () => 0 });
          expect([second.status, second.steps, second.dagCost, programOf(egraph, roots, second)]).toEqual([first.status, first.steps, first.dagCost, programOf(egraph, roots, first)]);
          expect(first.dagCost).toBeLessThanOrEqual(first.greedyDagCost);

          const unlimited = extractDag(egraph, roots, cost, { stepLimit: Number.POSITIVE_INFINITY });
          expect(unlimited.status).toBe("optimal");
          expect(unlimited.dagCost).toBeLessThanOrEqual(first.dagCost);
          if (first.status === "step-limit") limited++;
          // A limit covering every step the full search took finishes it, with the same optimum.
          const enough = extractDag(egraph, roots, cost, { stepLimit: unlimited.steps });
          expect(enough.status).toBe("optimal");
          expect(enough.dagCost).toBe(unlimited.dagCost);
        },
      ),
      { numRuns: 300, seed: 12 },
    );
    expect(limited).toBeGreaterThan(20);
  });
});
