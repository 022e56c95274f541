import { fail } from "../errors.js";
import type { ClassId } from "./enode.js";
import type { EGraph } from "./egraph.js";
import { compilePattern, type CompiledPattern, type Match, type OpMetadata, type Subst } from "./match.js";
import { patternToString, patternVars, type Pattern } from "./pattern.js";

/** Builds the right-hand side of a match; the runner unions the result with the matched class. */
export type Applier<D> = (egraph: EGraph<D>, match: Match) => ClassId | undefined;

/** A side condition checked per match just before applying (e.g. "?c is a non-zero constant"). */
export type Guard<D> = (subst: Subst, egraph: EGraph<D>) => boolean;

export interface RewriteSpec<D> {
  readonly name: string;
  readonly lhs: Pattern;
  /** A pattern to instantiate, or a function for right-hand sides a pattern cannot express. */
  readonly rhs: Pattern | Applier<D>;
  readonly guard?: Guard<D>;
}

export interface Rewrite<D> {
  readonly name: string;
  readonly searcher: CompiledPattern;
  readonly apply: Applier<D>;
  readonly guard?: Guard<D>;
  /** Human-readable `lhs => rhs`, for reports and errors. */
  readonly description: string;
}

/**
 * Builds a rewrite, rejecting at build time what would otherwise fail mid-run: a variable root
 * on the left, right-hand variables the left does not bind, and right-hand attributes that are
 * not concrete (`any` / `test` say nothing about what to build).
 */
export function makeRewrite<D>(spec: RewriteSpec<D>, metadata: OpMetadata = {}): Rewrite<D> {
  const subject = `rule "${spec.name}"`;
  if (spec.lhs.kind !== "node") fail("bad-rule", subject, "the left-hand side must start with an op, not a variable");
  const searcher = compilePattern(spec.lhs, metadata);
  const lhsText = patternToString(spec.lhs);
  if (typeof spec.rhs === "function") {
    const base = { name: spec.name, searcher, apply: spec.rhs, description: `${lhsText} => <function>` };
    return spec.guard === undefined ? base : { ...base, guard: spec.guard };
  }
  const rhs = spec.rhs;
  checkRightHandSide(subject, rhs, new Set(searcher.classVars), new Set(searcher.attrVars));
  const base = {
    name: spec.name,
    searcher,
    apply: (egraph: EGraph<D>, match: Match) => instantiate(egraph, rhs, match.subst),
    description: `${lhsText} => ${patternToString(rhs)}`,
  };
  return spec.guard === undefined ? base : { ...base, guard: spec.guard };
}

/** Adds the pattern's nodes under a substitution and returns the root class. */
export function instantiate<D>(egraph: EGraph<D>, pattern: Pattern, subst: Subst): ClassId {
  if (pattern.kind === "var") {
    const id = subst.classes.get(pattern.name);
    if (id === undefined) fail("internal", `pattern ${patternToString(pattern)}`, `?${pattern.name} is not bound by the match`);
    return id;
  }
  const children = pattern.children.map((child) => instantiate(egraph, child, subst));
  const { attrs } = pattern;
  let key: string | undefined;
  if (attrs.kind === "exact") key = attrs.key;
  else if (attrs.kind === "bind") key = subst.attrs.get(attrs.name);
  if (key === undefined) fail("internal", `pattern ${patternToString(pattern)}`, "right-hand attributes must be exact or bound by the match");
  return egraph.add({ op: pattern.op, attrs: key, children });
}

/** Throws if `rules` has two rules with the same name (reports and bans are keyed by name). */
export function checkUniqueRuleNames<D>(rules: readonly Rewrite<D>[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.name)) fail("bad-rule", `rule "${rule.name}"`, "two rules share this name; rename one");
    seen.add(rule.name);
  }
}

function checkRightHandSide(subject: string, rhs: Pattern, classVars: ReadonlySet<string>, attrVars: ReadonlySet<string>): void {
  const { classVars: used, attrVars: usedAttrs } = patternVars(rhs);
  const unbound = [...used.filter((v) => !classVars.has(v)).map((v) => `?${v}`), ...usedAttrs.filter((v) => !attrVars.has(v)).map((v) => `:?${v}`)];
  if (unbound.length > 0) fail("bad-rule", subject, `right-hand side uses ${unbound.join(", ")} which the left-hand side does not bind`);
  const visit = (p: Pattern): void => {
    if (p.kind === "var") return;
    if (p.attrs.kind === "any" || p.attrs.kind === "test") {
      fail("bad-rule", subject, `right-hand op ${p.op} needs concrete attributes (exact, or bound on the left), not "${p.attrs.kind}"`);
    }
    p.children.forEach(visit);
  };
  visit(rhs);
}
