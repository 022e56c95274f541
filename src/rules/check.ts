import fc from "fast-check";
import { fail } from "../errors.js";
import { shapeToString } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import type { RuleAst } from "./ast.js";
import { firstDifference, termMagnitudes } from "./check-compare.js";
import { evaluateInstance } from "./check-instance.js";
import { leafSpec, leafTensor, showNumber, SPECIAL_RATES, type LeafSpec } from "./check-values.js";
import { posToString } from "./sexpr.js";

/**
 * Soundness checker: instantiates a rule on random shapes (the `:check` clause's dims, named
 * dims drawn from 1..3) and values (with ±0, ±Inf and NaN mixed in, each leaf inside its domain:
 * check-values.ts), keeps instances whose left side is well-typed and whose guards hold, evaluates
 * both sides with the reference evaluator and compares them with a tolerance that follows the
 * computation's conditioning (check-compare.ts). fast-check shrinks a failure to a small
 * counterexample.
 *
 * Reproducible: every run starts from a seed (DEFAULT_CHECK_SEED unless given), each rule is
 * checked from that seed alone (independent of the other rules in the set), and a counterexample
 * names the seed that replays it.
 */
export interface RuleCheckResult {
  readonly rule: string;
  readonly location: string;
  readonly ok: boolean;
  /** Instances that satisfied the pattern and guards (0 means the rule was never exercised). */
  readonly instances: number;
  /** The seed of this check: `egret rules check --seed SEED` replays it. */
  readonly seed: number;
  readonly counterexample?: string;
}

export interface CheckOptions {
  readonly runs?: number;
  readonly seed?: number;
}

export const DEFAULT_CHECK_SEED = 1;
export const DEFAULT_CHECK_RUNS = 100;

interface Sample {
  readonly dims: readonly number[];
  readonly defaultShape: readonly number[];
  readonly seed: number;
  /** Index into SPECIAL_RATES: how many special values the float leaves hold. */
  readonly specials: number;
}

type Outcome = { readonly kind: "skip" } | { readonly kind: "ok" } | { readonly kind: "bad"; readonly message: string };

export function checkRule(rule: RuleAst, options: CheckOptions = {}): RuleCheckResult {
  const seed = options.seed ?? DEFAULT_CHECK_SEED;
  const dimNames = [...new Set([...rule.check.shapes.values()].flat().filter((d): d is string => typeof d === "string"))];
  const specs = [...rule.classVars].map((name) => leafSpec(rule, name));
  const arb = fc.record({
    dims: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: dimNames.length, maxLength: dimNames.length }),
    defaultShape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    specials: fc.integer({ min: 0, max: SPECIAL_RATES.length - 1 }),
  });
  let instances = 0;
  let message = "";
  const details = fc.check(
    fc.property(arb, (sample: Sample) => {
      const outcome = runInstance(rule, specs, dimNames, sample);
      if (outcome.kind === "skip") return true;
      instances++;
      if (outcome.kind === "bad") message = outcome.message;
      return outcome.kind === "ok";
    }),
    { numRuns: options.runs ?? DEFAULT_CHECK_RUNS, seed },
  );
  const location = posToString(rule.pos);
  if (details.failed) {
    // Re-run the shrunk sample so the message describes the minimal counterexample.
    const minimal = details.counterexample?.[0];
    if (minimal !== undefined) {
      const outcome = runInstance(rule, specs, dimNames, minimal);
      if (outcome.kind === "bad") message = outcome.message;
    }
    return { rule: rule.name, location, ok: false, instances, seed, counterexample: message };
  }
  if (instances === 0) {
    return { rule: rule.name, location, ok: false, instances, seed, counterexample: "no random instance satisfied the pattern and guards; give shapes and attributes with :check" };
  }
  return { rule: rule.name, location, ok: true, instances, seed };
}

export function checkRules(rules: readonly RuleAst[], options: CheckOptions = {}): RuleCheckResult[] {
  return rules.map((rule) => checkRule(rule, options));
}

/**
 * Checks user rules before they are used (`egret compile --rules`): fails on the first wrong or
 * unexercised rule with its counterexample, file:line and the seed that replays it.
 */
export function requireSoundRules(rules: readonly RuleAst[], options: CheckOptions = {}): void {
  for (const rule of rules) {
    const r = checkRule(rule, options);
    if (r.ok) continue;
    fail(
      "bad-rule",
      `rule "${r.rule}" at ${r.location}`,
      `failed the soundness check: ${r.counterexample ?? ""} (seed ${r.seed}; \`egret rules check --seed ${r.seed} ${rule.pos.file}\` replays it). Fix the rule, or pass --no-check-rules to use it unchecked`,
    );
  }
}

/** One line per failed rule: where, what, and the seed that replays it. */
export function describeFailure(r: RuleCheckResult): string {
  return `${r.rule} at ${r.location}: ${r.counterexample ?? ""} (seed ${r.seed})`;
}

function runInstance(rule: RuleAst, specs: readonly LeafSpec[], dimNames: readonly string[], sample: Sample): Outcome {
  const dimOf = (d: number | string): number => (typeof d === "number" ? d : sample.dims[dimNames.indexOf(d)]!);
  const leaves = new Map<string, Tensor>();
  specs.forEach((spec, i) => {
    const given = rule.check.shapes.get(spec.name);
    const forcedScalar = rule.guards.some((g) => g.name === "is-scalar-const" && g.args[0]?.kind === "class" && g.args[0].name === spec.name);
    const shape = given !== undefined ? given.map(dimOf) : forcedScalar ? [] : [...sample.defaultShape];
    if (isOperandVar(rule, spec.name)) leaves.set(spec.name, leafTensor(spec, shape, sample.seed + i, sample.specials));
  });

  const evaluation = evaluateInstance(rule, leaves);
  if (evaluation.kind === "skip") return { kind: "skip" };
  if (evaluation.kind === "invalid") return { kind: "bad", message: `${evaluation.message} for ${describeLeaves(leaves)}` };
  if (firstDifference(evaluation.lhs, evaluation.rhs) === undefined) return { kind: "ok" };
  // The plain tolerance failed: measure the terms' magnitude before calling the rule wrong.
  const fixed = new Set(specs.filter((s) => s.forced !== undefined || s.integer !== undefined).map((s) => s.name));
  const sidesOf = (perturbed: ReadonlyMap<string, Tensor>) => {
    const e = evaluateInstance(rule, perturbed);
    return e.kind === "values" ? e : undefined;
  };
  const magnitude = termMagnitudes(leaves, fixed, evaluation, sidesOf, sample.seed);
  const diff = firstDifference(evaluation.lhs, evaluation.rhs, magnitude);
  return diff === undefined ? { kind: "ok" } : { kind: "bad", message: `${diff} for ${describeLeaves(leaves)}` };
}

function describeLeaves(leaves: ReadonlyMap<string, Tensor>): string {
  return [...leaves]
    .map(([name, t]) => `?${name} = ${t.dtype}[${shapeToString(t.shape)}] [${Array.from(t.toNumbers()).slice(0, 8).map(showNumber).join(",")}${t.size > 8 ? ",..." : ""}]`)
    .join("; ");
}

function isOperandVar(rule: RuleAst, name: string): boolean {
  const visit = (p: RuleAst["rhs"]): boolean => (p.kind === "var" ? p.name === name : p.kind === "as" ? visit(p.pattern) : p.kind === "node" ? p.children.some(visit) : false);
  return visit(rule.lhs);
}
