import { describe, expect, it } from "vitest";
import { checkUniqueRuleNames, EGraph, makeRewrite, noAnalysis, pnode, pvar } from "../../src/egraph/index.js";
import { parsePattern, parseTerm } from "./sexpr.js";

describe("makeRewrite", () => {
  it("instantiates the right-hand side under the match", () => {
    const rule = makeRewrite<undefined>({ name: "comm", lhs: parsePattern("(+ ?a ?b)"), rhs: parsePattern("(+ ?b ?a)") });
    const egraph = new EGraph(noAnalysis);
    const root = egraph.addTerm(parseTerm("(+ x y)"));
    const [match] = rule.searcher.search(egraph);
    expect(match).toBeDefined();
    const built = rule.apply(egraph, match!);
    expect(built).toBe(egraph.lookup({ op: "+", attrs: "", children: [egraph.addTerm(parseTerm("y")), egraph.addTerm(parseTerm("x"))] }));
    expect(built).not.toBe(root);
    expect(rule.description).toBe("(+ ?a ?b) => (+ ?b ?a)");
  });

  it("copies bound attributes to the right-hand side", () => {
    const rule = makeRewrite<undefined>({
      name: "wrap",
      lhs: pnode("g", [pvar("x")], { kind: "bind", name: "k" }),
      rhs: pnode("h", [pvar("x")], { kind: "bind", name: "k" }),
    });
    const egraph = new EGraph(noAnalysis);
    const x = egraph.addTerm(parseTerm("x"));
    egraph.add({ op: "g", attrs: '{"k":3}', children: [x] });
    const built = rule.apply(egraph, rule.searcher.search(egraph)[0]!);
    expect(egraph.getClass(built!).nodes[0]).toEqual({ op: "h", attrs: '{"k":3}', children: [x] });
  });

  it("rejects unbound right-hand variables, a variable root and non-concrete right-hand attributes", () => {
    expect(() => makeRewrite({ name: "bad", lhs: parsePattern("(+ ?a 0)"), rhs: parsePattern("(+ ?a ?b)") })).toThrow(
      /rule "bad".*\?b which the left-hand side does not bind/,
    );
    expect(() => makeRewrite({ name: "root", lhs: pvar("a"), rhs: pvar("a") })).toThrow(/must start with an op/);
    expect(() => makeRewrite({ name: "vague", lhs: parsePattern("(g ?a)"), rhs: pnode("h", [pvar("a")]) })).toThrow(/concrete attributes/);
  });

  it("rejects duplicate rule names", () => {
    const rule = makeRewrite<undefined>({ name: "same", lhs: parsePattern("(g ?a)"), rhs: pvar("a") });
    expect(() => checkUniqueRuleNames([rule, rule])).toThrow(/rule "same": two rules share this name/);
    expect(() => checkUniqueRuleNames([rule])).not.toThrow();
  });
});
