import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compilePattern,
  EGraph,
  noAnalysis,
  pnode,
  pvar,
  substKey,
  type AttrPattern,
  type ClassId,
  type Pattern,
} from "../../src/egraph/index.js";
import { RANDOM_ATTRS, RANDOM_OPS, runScript, scriptArb } from "./random-egraph.js";
import { parsePattern, parseTerm } from "./sexpr.js";

const commutative = new Set(["f"]);

function matchKeys(pattern: Pattern, egraph: EGraph<undefined>, ops: ReadonlySet<string> = new Set()): string[] {
  return compilePattern(pattern, { commutative: ops })
    .search(egraph)
    .map((m) => `${m.classId}: ${substKey(m.subst)}`)
    .sort();
}

describe("e-matching (unit)", () => {
  it("binds variables and enforces repeated variables", () => {
    const egraph = new EGraph(noAnalysis);
    const xx = egraph.addTerm(parseTerm("(+ x x)"));
    egraph.addTerm(parseTerm("(+ x y)"));
    egraph.rebuild();
    const found = compilePattern(parsePattern("(+ ?a ?a)")).search(egraph);
    expect(found.map((m) => m.classId)).toEqual([xx]);
  });

  it("tries swapped children only for ops declared commutative, without duplicates", () => {
    const egraph = new EGraph(noAnalysis);
    const root = egraph.addTerm(parseTerm("(f (g x) y)"));
    egraph.addTerm(parseTerm("(f x x)"));
    egraph.rebuild();
    const pattern = parsePattern("(f ?a (g ?b))");
    expect(compilePattern(pattern).search(egraph)).toEqual([]);
    const swapped = compilePattern(pattern, { commutative }).search(egraph);
    expect(swapped.map((m) => m.classId)).toEqual([root]);
    // (f x x) matches (f ?a ?b) once, not once per order.
    expect(compilePattern(parsePattern("(f ?a ?b)"), { commutative }).search(egraph)).toHaveLength(3);
  });

  it("checks, binds and compares attributes", () => {
    const egraph = new EGraph(noAnalysis);
    const k1 = '{"k":1}';
    const same = egraph.add({ op: "f", attrs: "", children: [egraph.add({ op: "g", attrs: k1, children: [] }), egraph.add({ op: "h", attrs: k1, children: [] })] });
    egraph.add({ op: "f", attrs: "", children: [egraph.add({ op: "g", attrs: k1, children: [] }), egraph.add({ op: "h", attrs: "", children: [] })] });
    egraph.rebuild();
    const bindTwice = pnode("f", [pnode("g", [], { kind: "bind", name: "p" }), pnode("h", [], { kind: "bind", name: "p" })]);
    const found = compilePattern(bindTwice).search(egraph);
    expect(found.map((m) => m.classId)).toEqual([same]);
    expect(found[0]?.subst.attrs.get("p")).toBe(k1);
    const test: AttrPattern = { kind: "test", name: "has-k", test: (attrs) => attrs.includes('"k"') };
    expect(compilePattern(pnode("h", [], test)).search(egraph)).toHaveLength(1);
  });

  it("stops at the match limit", () => {
    const egraph = new EGraph(noAnalysis);
    for (const leaf of ["a", "b", "c", "d"]) egraph.addTerm(parseTerm(`(g ${leaf})`));
    egraph.rebuild();
    expect(compilePattern(parsePattern("(g ?x)")).search(egraph, 2)).toHaveLength(2);
  });

  it("rejects a variable root and a dirty e-graph", () => {
    expect(() => compilePattern(pvar("x"))).toThrow(/must start with an op/);
    const egraph = new EGraph(noAnalysis);
    egraph.union(egraph.addTerm(parseTerm("a")), egraph.addTerm(parseTerm("b")));
    expect(() => compilePattern(parsePattern("(g ?x)")).search(egraph)).toThrow(/rebuild/);
  });
});

// ---- brute force reference -------------------------------------------------------------------

const VARS = ["x", "y", "z"];

function patternArb(): fc.Arbitrary<Pattern> {
  const attrs: fc.Arbitrary<AttrPattern> = fc.oneof(
    fc.constant<AttrPattern>({ kind: "any" }),
    fc.constantFrom(...RANDOM_ATTRS).map((key): AttrPattern => ({ kind: "exact", key })),
    fc.constant<AttrPattern>({ kind: "bind", name: "p" }),
  );
  const { tree } = fc.letrec<{ tree: Pattern; node: Pattern }>((tie) => ({
    tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constantFrom(...VARS).map(pvar), tie("node")),
    node: fc
      .tuple(fc.constantFrom(...RANDOM_OPS), attrs, fc.array(tie("tree"), { minLength: 2, maxLength: 2 }))
      .map(([{ op, arity }, a, children]) => pnode(op, children.slice(0, arity), a)),
  }));
  return tree.filter((p) => p.kind === "node");
}

function varsOf(pattern: Pattern, classVars: Set<string>, attrVars: Set<string>): void {
  if (pattern.kind === "var") classVars.add(pattern.name);
  else {
    if (pattern.attrs.kind === "bind") attrVars.add(pattern.attrs.name);
    for (const child of pattern.children) varsOf(child, classVars, attrVars);
  }
}

/** Declarative: does class `id` contain a term matching `pattern` under the complete assignment? */
function holds(egraph: EGraph<undefined>, pattern: Pattern, id: ClassId, classes: Map<string, ClassId>, attrs: Map<string, string>): boolean {
  if (pattern.kind === "var") return classes.get(pattern.name) === id;
  return egraph.getClass(id).nodes.some((node) => {
    if (node.op !== pattern.op || node.children.length !== pattern.children.length) return false;
    const a = pattern.attrs;
    if (a.kind === "exact" && node.attrs !== a.key) return false;
    if (a.kind === "bind" && attrs.get(a.name) !== node.attrs) return false;
    const inOrder = (order: number[]): boolean =>
      pattern.children.every((child, k) => holds(egraph, child, node.children[order[k] ?? k] ?? -1, classes, attrs));
    return inOrder([0, 1]) || (commutative.has(node.op) && node.children.length === 2 && inOrder([1, 0]));
  });
}

function bruteForce(egraph: EGraph<undefined>, pattern: Pattern): string[] {
  const classVarSet = new Set<string>();
  const attrVarSet = new Set<string>();
  varsOf(pattern, classVarSet, attrVarSet);
  const classIds = egraph.classIds();
  const attrKeys = [...new Set(classIds.flatMap((id) => egraph.getClass(id).nodes.map((n) => n.attrs)))];
  const assignments = <T>(names: string[], values: T[]): Array<Map<string, T>> =>
    names.reduce<Array<Map<string, T>>>((acc, name) => acc.flatMap((m) => values.map((v) => new Map(m).set(name, v))), [new Map()]);
  const results: string[] = [];
  for (const classes of assignments([...classVarSet], classIds)) {
    for (const attrs of assignments([...attrVarSet], attrKeys)) {
      for (const id of classIds) if (holds(egraph, pattern, id, classes, attrs)) results.push(`${id}: ${substKey({ classes, attrs })}`);
    }
  }
  return results.sort();
}

describe("e-matching agrees with brute-force enumeration (property)", () => {
  it("finds exactly the brute-force matches on random small e-graphs", () => {
    let runsWithMatches = 0;
    fc.assert(
      fc.property(scriptArb({ maxCommands: 14, unions: true }), patternArb(), (commands, pattern) => {
        const { egraph } = runScript(commands, noAnalysis);
        const expected = bruteForce(egraph, pattern);
        expect(matchKeys(pattern, egraph, commutative)).toEqual(expected);
        if (expected.length > 0) runsWithMatches++;
      }),
      { numRuns: 400 },
    );
    // Guard against a vacuous property: a good share of random cases must actually match.
    expect(runsWithMatches).toBeGreaterThan(80);
  });
});
