import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEGraphInvariants, EGraph, makeENode, noAnalysis, type Analysis, type MergeResult } from "../../src/egraph/index.js";
import { referencePartition, runScript, scriptArb } from "./random-egraph.js";
import { parseTerm, numAttrs } from "./sexpr.js";
import { constantFolding } from "./toy.js";

describe("EGraph add / union / rebuild", () => {
  it("hash-conses equal nodes into one class; attributes are part of identity", () => {
    const egraph = new EGraph(noAnalysis);
    const x = egraph.add(makeENode("x"));
    expect(egraph.add(makeENode("g", [x]))).toBe(egraph.add(makeENode("g", [x])));
    expect(egraph.add(makeENode("g", [x], '{"k":1}'))).not.toBe(egraph.add(makeENode("g", [x])));
    expect(egraph.nodeCount).toBe(3);
  });

  it("union only records work; rebuild merges congruent parents", () => {
    const egraph = new EGraph(noAnalysis);
    const [a, b] = [egraph.add(makeENode("a")), egraph.add(makeENode("b"))];
    const fa = egraph.add(makeENode("f", [a]));
    const fb = egraph.add(makeENode("f", [b]));
    const gfa = egraph.add(makeENode("g", [fa]));
    const gfb = egraph.add(makeENode("g", [fb]));
    expect(egraph.union(a, b)).toBe(true);
    expect(egraph.union(b, a)).toBe(false);
    expect(egraph.isClean).toBe(false);
    expect(egraph.find(fa)).not.toBe(egraph.find(fb));
    expect(egraph.rebuild()).toBe(2); // f(a)=f(b), then g(f a)=g(f b)
    expect(egraph.find(gfa)).toBe(egraph.find(gfb));
    expect(egraph.classCount).toBe(3);
    expect(checkEGraphInvariants(egraph)).toEqual([]);
  });

  it("maintains the classes-by-op index through unions", () => {
    const egraph = new EGraph(noAnalysis);
    const a = egraph.addTerm(parseTerm("(f x y)"));
    const b = egraph.addTerm(parseTerm("(g x)"));
    egraph.union(a, b);
    egraph.rebuild();
    expect(egraph.classesWithOp("f")).toEqual([egraph.find(a)]);
    expect(egraph.classesWithOp("g")).toEqual([egraph.find(a)]);
    expect(egraph.classesWithOp("x")).toHaveLength(1);
  });

  it("getClass resolves aliases; the invariant check refuses a dirty graph", () => {
    const egraph = new EGraph(noAnalysis);
    const [a, b] = [egraph.add(makeENode("a")), egraph.add(makeENode("b"))];
    egraph.union(a, b);
    expect(egraph.getClass(a).id).toBe(egraph.getClass(b).id);
    expect(checkEGraphInvariants(egraph)[0]).toMatch(/pending unions/);
  });
});

describe("EGraph analyses", () => {
  it("folds constants on add (make + modify)", () => {
    const egraph = new EGraph(constantFolding);
    const id = egraph.addTerm(parseTerm("(+ 1 (* 2 3))"));
    egraph.rebuild();
    expect(egraph.data(id)).toBe(7);
    expect(egraph.lookup(makeENode("num", [], numAttrs(7)))).toBe(egraph.find(id));
  });

  it("propagates merged data to parents during rebuild", () => {
    const egraph = new EGraph(constantFolding);
    const sum = egraph.addTerm(parseTerm("(+ (* x 2) y)"));
    const x = egraph.addTerm(parseTerm("x"));
    const y = egraph.addTerm(parseTerm("y"));
    expect(egraph.data(sum)).toBeNull();
    egraph.union(x, egraph.addTerm(parseTerm("5")));
    egraph.union(y, egraph.addTerm(parseTerm("1")));
    egraph.rebuild();
    expect(egraph.data(sum)).toBe(11);
    expect(egraph.lookup(makeENode("num", [], numAttrs(11)))).toBe(egraph.find(sum));
    expect(checkEGraphInvariants(egraph)).toEqual([]);
  });
});

/** Which leaf ops a class can reach: a join-semilattice under set union. */
const reachableLeaves: Analysis<ReadonlySet<string>> = {
  make: (egraph, node) =>
    node.children.length === 0 ? new Set([node.op]) : new Set(node.children.flatMap((child) => [...egraph.data(child)])),
  merge(a, b): MergeResult<ReadonlySet<string>> {
    const data = new Set([...a, ...b]);
    return { data, aChanged: data.size > a.size, bChanged: data.size > b.size };
  },
};

describe("EGraph invariants under random operations (property)", () => {
  const script = scriptArb({ maxCommands: 40, unions: true });

  it("keeps congruence, hash-cons and parent invariants and matches a naive congruence closure", () => {
    fc.assert(
      fc.property(script, (commands) => {
        const result = runScript(commands, noAnalysis);
        expect(checkEGraphInvariants(result.egraph)).toEqual([]);
        const same = referencePartition(result);
        const disagreements: string[] = [];
        for (const a of result.ids) {
          for (const b of result.ids) if ((result.egraph.find(a) === result.egraph.find(b)) !== same(a, b)) disagreements.push(`${a}~${b}`);
        }
        expect(disagreements).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every class's analysis data equal to the merge of make over its nodes", () => {
    fc.assert(
      fc.property(script, (commands) => {
        const { egraph } = runScript(commands, reachableLeaves);
        expect(checkEGraphInvariants(egraph)).toEqual([]);
        for (const id of egraph.classIds()) {
          const expected = new Set(egraph.getClass(id).nodes.flatMap((node) => [...reachableLeaves.make(egraph, node)]));
          expect([...egraph.data(id)].sort()).toEqual([...expected].sort());
        }
      }),
      { numRuns: 200 },
    );
  });
});
