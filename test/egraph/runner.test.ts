import { describe, expect, it } from "vitest";
import {
  astSize,
  BackoffScheduler,
  checkEGraphInvariants,
  EGraph,
  extractGreedy,
  makeRewrite,
  noAnalysis,
  saturate,
  SimpleScheduler,
  termToString,
  wallClockSafetyNet,
  type CostFunction,
  type Rewrite,
} from "../../src/egraph/index.js";
import { numAttrs, parsePattern, parseTerm, showTerm } from "./sexpr.js";
import { constantFolding, type Constant } from "./toy.js";

function rule<D>(name: string, lhs: string, rhs: string): Rewrite<D> {
  return makeRewrite<D>({ name, lhs: parsePattern(lhs), rhs: parsePattern(rhs) });
}

/** Commutativity + associativity of +: the classic explosion (exponentially many bracketings). */
function commAssoc<D>(): Rewrite<D>[] {
  return [rule("comm-add", "(+ ?a ?b)", "(+ ?b ?a)"), rule("assoc-add", "(+ ?a (+ ?b ?c))", "(+ (+ ?a ?b) ?c)")];
}

const sumOf = (leaves: string[]): string => leaves.reduceRight((acc, leaf) => `(+ ${leaf} ${acc})`);

describe("saturate: stop reasons", () => {
  it("a terminating rule set saturates and extraction finds the simplified term", () => {
    const egraph = new EGraph(noAnalysis);
    const root = egraph.addTerm(parseTerm("(+ (* (+ x 0) 1) (* y 1))"));
    const rules = [rule<undefined>("add-zero", "(+ ?a 0)", "?a"), rule<undefined>("mul-one", "(* ?a 1)", "?a")];
    const report = saturate(egraph, rules);
    expect(report.stopReason).toBe("saturated");
    const last = report.iterations.at(-1)!;
    expect(last.rules.every((r) => r.applied === 0)).toBe(true);
    expect(report.iterations[0]!.rules.map((r) => [r.name, r.applied])).toEqual([["add-zero", 1], ["mul-one", 2]]);
    expect(termToString(extractGreedy(egraph, astSize).term(root))).toBe("(+ x y)");
    expect(checkEGraphInvariants(egraph)).toEqual([]);
  });

  it("commutativity + associativity hits the node limit and reports it", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d", "e", "f", "g"])));
    const report = saturate(egraph, commAssoc<undefined>(), { limits: { nodes: 500, iterations: 100 }, scheduler: new SimpleScheduler() });
    expect(report.stopReason).toBe("node-limit");
    expect(report.iterations.at(-1)!.nodes).toBeGreaterThan(500);
    expect(report.iterations.length).toBeLessThan(100);
    expect(checkEGraphInvariants(egraph)).toEqual([]);
  });

  it("stops at the iteration limit with one report per iteration", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d"])));
    const report = saturate(egraph, commAssoc<undefined>(), { limits: { iterations: 2 }, scheduler: new SimpleScheduler() });
    expect(report.stopReason).toBe("iteration-limit");
    expect(report.iterations.map((it) => it.iteration)).toEqual([0, 1]);
    expect(report.iterations[1]!.nodes).toBeGreaterThan(report.iterations[0]!.nodes);
  });

  it("stops at the application limit mid-iteration, counting exactly that many applications", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d", "e"])));
    const report = saturate(egraph, commAssoc<undefined>(), { limits: { applications: 10 }, scheduler: new SimpleScheduler() });
    expect(report.stopReason).toBe("application-limit");
    expect(report.work.applications).toBe(10);
    expect(report.work.matches).toBeGreaterThan(10); // the second iteration's matches were cut short
    expect(report.work.iterations).toBe(report.iterations.length);
    expect(egraph.isClean).toBe(true);
    expect(checkEGraphInvariants(egraph)).toEqual([]);
  });

  it("the same rules and term stop at the same work counts and give the same e-graph, whatever the clock says", () => {
    const run = (now: () => number) => {
      const egraph = new EGraph(noAnalysis);
      egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d", "e", "f"])));
      const report = saturate(egraph, commAssoc<undefined>(), { limits: { nodes: 400, applications: 150 }, now });
      return { reason: report.stopReason, work: report.work, classes: [...egraph.classIds()].map((id) => egraph.getClass(id).nodes.length) };
    };
    let slow = 0;
    const starved = run(() => (slow += 60_000)); // a minute per clock reading
    const fast = run(() => 0);
    expect(starved).toEqual(fast);
    expect(fast.reason).not.toBe("saturated");
  });

  it("a tripped safety net aborts the run with its error instead of returning a smaller e-graph", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d", "e"])));
    let clock = 0;
    const net = wallClockSafetyNet(10, (ms) => {
      throw new Error(`safety net after ${ms} ms`);
    }, () => (clock += 1));
    expect(() => saturate(egraph, commAssoc<undefined>(), { safetyNet: net, limits: { iterations: 100, nodes: 100_000 } })).toThrow(/safety net after 1[1-9] ms/);
  });

  it("rejects rule sets with duplicate names before running", () => {
    const egraph = new EGraph(noAnalysis);
    const r = rule<undefined>("dup", "(g ?a)", "?a");
    expect(() => saturate(egraph, [r, r])).toThrow(/two rules share this name/);
  });
});

describe("saturate: guards, appliers and analyses", () => {
  it("a guard blocks matches it rejects (x / x => 1 unless x is 0)", () => {
    const egraph = new EGraph(constantFolding);
    const ok = egraph.addTerm(parseTerm("(/ y y)"));
    const zero = egraph.addTerm(parseTerm("(/ 0 0)"));
    const divSelf = makeRewrite<Constant>({
      name: "div-self",
      lhs: parsePattern("(/ ?a ?a)"),
      rhs: parsePattern("1"),
      guard: (subst, g) => g.data(subst.classes.get("a")!) !== 0,
    });
    const report = saturate(egraph, [divSelf]);
    expect(report.stopReason).toBe("saturated");
    expect(report.iterations[0]!.rules[0]).toMatchObject({ matches: 2, applied: 1 });
    expect(egraph.data(ok)).toBe(1);
    expect(egraph.data(zero)).toBeNull();
  });

  it("an applier function sees folded constants; extraction picks the cheaper rewrite", () => {
    const egraph = new EGraph(constantFolding);
    const root = egraph.addTerm(parseTerm("(* y (+ 1 1))"));
    expect(egraph.lookup({ op: "num", attrs: numAttrs(2), children: [] })).toBeDefined(); // folded on add
    // t * 2 => t + t, as a function: it needs the analysis value of ?k, not a literal.
    const doubleToAdd = makeRewrite<Constant>({
      name: "double-to-add",
      lhs: parsePattern("(* ?t ?k)"),
      rhs: (g, match) => {
        const t = match.subst.classes.get("t")!;
        return g.data(match.subst.classes.get("k")!) === 2 ? g.add({ op: "+", attrs: "", children: [t, t] }) : undefined;
      },
    });
    const report = saturate(egraph, [doubleToAdd]);
    expect(report.stopReason).toBe("saturated");
    expect(report.iterations[0]!.rules[0]).toMatchObject({ name: "double-to-add", matches: 1, applied: 1 });
    const mulIsExpensive: CostFunction = (node, childCost) =>
      node.children.reduce((sum, c) => sum + childCost(c), node.op === "*" ? 10 : 1);
    expect(showTerm(extractGreedy(egraph, mulIsExpensive).term(root))).toBe("(+ y y)");
    expect(showTerm(extractGreedy(egraph, astSize).term(root))).toMatch(/^\(\* y 2\)$|^\(\+ y y\)$/);
  });
});

describe("BackoffScheduler", () => {
  it("bans a rule whose matches exceed the threshold, doubling threshold and ban length", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d"]))); // 3 + nodes: 3 comm matches
    const comm = commAssoc<undefined>()[0]!;
    const scheduler = new BackoffScheduler({ matchLimit: 2, banLength: 3 });
    expect(scheduler.search(0, egraph, comm)).toEqual([]); // 3 > 2: banned for iterations 1..2
    expect(scheduler.timesBanned("comm-add")).toBe(1);
    expect(scheduler.isBanned(2, "comm-add")).toBe(true);
    expect(scheduler.isBanned(3, "comm-add")).toBe(false);
    expect(scheduler.threshold("comm-add")).toBe(4);
    expect(scheduler.search(3, egraph, comm)).toHaveLength(3); // 3 <= 4 now
    const limited = new BackoffScheduler({ matchLimit: 1, banLength: 3 });
    limited.search(0, egraph, comm);
    limited.search(3, egraph, comm); // 3 > 2: second ban lasts 6
    expect(limited.isBanned(8, "comm-add")).toBe(true);
    expect(limited.isBanned(9, "comm-add")).toBe(false);
  });

  it("keeps an exploding rule from taking over a run, and the run still ends", () => {
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm(sumOf(["a", "b", "c", "d", "e", "f"])));
    const scheduler = new BackoffScheduler({ matchLimit: 20, banLength: 2 });
    const report = saturate(egraph, commAssoc<undefined>(), { limits: { nodes: 20_000, iterations: 12 }, scheduler });
    const assocStats = report.iterations.map((it) => it.rules.find((r) => r.name === "assoc-add")!);
    expect(assocStats.some((s) => s.banned && s.applied === 0)).toBe(true);
    expect(scheduler.timesBanned("assoc-add")).toBeGreaterThan(0);
    expect(report.iterations.some((it) => it.rules.some((r) => r.banned) && it.rules.some((r) => r.applied > 0))).toBe(true);
    expect(["iteration-limit", "saturated"]).toContain(report.stopReason);
  });

  it("does not report saturation while a rule is banned; it fast-forwards the ban instead", () => {
    const scheduler = new BackoffScheduler({ matchLimit: 0, banLength: 10 });
    const egraph = new EGraph(noAnalysis);
    egraph.addTerm(parseTerm("(g x)"));
    scheduler.search(0, egraph, rule("unwrap", "(g ?a)", "?a"));
    expect(scheduler.canStop(1)).toBe(false);
    expect(scheduler.isBanned(2, "unwrap")).toBe(false);
    expect(scheduler.canStop(2)).toBe(true);
  });
});
