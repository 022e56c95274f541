import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { checkRule, DEFAULT_CHECK_SEED, describeFailure, requireSoundRules } from "../../src/rules/check.js";
import { firstDifference, termMagnitudes } from "../../src/rules/check-compare.js";
import { evaluateInstance } from "../../src/rules/check-instance.js";
import { leafSpec, leafTensor } from "../../src/rules/check-values.js";
import { parseRules, shippedRules } from "../../src/rules/load.js";
import { errorOf } from "../support/errors.js";

/** The soundness checker: reproducible seeds, special values, operand domains, conditioning-aware tolerance. */

const rule = (text: string) => parseRules(text, "t.rules")[0]!;
const shipped = (name: string) => shippedRules().find((r) => r.name === name)!;

describe("rule checker: reproducible", () => {
  const wrong = rule("(rule add-drops (Add ?x ?y) => ?x)");

  it("uses a fixed default seed: two runs give the same counterexample, and the seed is in the result", () => {
    const a = checkRule(wrong);
    const b = checkRule(wrong);
    expect(a.ok).toBe(false);
    expect(a.seed).toBe(DEFAULT_CHECK_SEED);
    expect(b.counterexample).toBe(a.counterexample);
    expect(describeFailure(a)).toMatch(new RegExp(`^add-drops at t\\.rules:1:1: element \\d+ differs: .* \\(seed ${DEFAULT_CHECK_SEED}\\)$`));
  });

  it("another seed draws other instances; replaying a seed draws the same ones", () => {
    // Random shapes of random rank: how many of 100 instances have rank 2 depends on the seed.
    const rank2 = rule("(rule relu-relu (Relu (Relu ?x)) => (Relu ?x) :if (rank= ?x 2))");
    const counts = [5, 6, 7, 8].map((seed) => checkRule(rank2, { seed }).instances);
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(checkRule(rank2, { seed: 7 }).instances).toBe(counts[2]);
    const failed = checkRule(wrong, { seed: 7 });
    expect(checkRule(wrong, { seed: 7 })).toEqual(failed);
    expect(describeFailure(failed)).toMatch(/\(seed 7\)$/);
  });

  it("checks each rule from the seed alone: the result does not depend on the rules checked before it", () => {
    const alone = checkRule(wrong, { seed: 3 });
    for (const r of shippedRules().slice(0, 5)) checkRule(r, { seed: 3, runs: 5 });
    expect(checkRule(wrong, { seed: 3 })).toEqual(alone);
  });
});

describe("rule checker: special values", () => {
  it("x * 0 = 0 is wrong: x may be Inf or NaN (the checker draws them), and the counterexample shows it", () => {
    const result = checkRule(rule("(rule mul-zero (Mul ?x ?c) => ?c :if (const-all ?c 0) (keeps-type ?c))"));
    expect(result.ok).toBe(false);
    expect(result.counterexample).toMatch(/left side NaN, right side 0 for \?x = float32\[[^\]]*\] \[[^\]]*(NaN|Infinity)/);
  });

  it("x - x = 0 is wrong for infinite x; x + 0 = x and (x * 1) = x hold for every float, specials included", () => {
    // Relu(-|x|) is 0 for every x but ±Inf - ±Inf is NaN.
    expect(checkRule(rule("(rule sub-self (Sub ?x ?x) => (Relu (Neg (Abs ?x))))")).ok).toBe(false);
    expect(checkRule(rule("(rule add-zero (Add ?x ?c) => ?x :if (const-all ?c 0) (keeps-type ?x))")).ok).toBe(true);
    expect(checkRule(rule("(rule mul-one (Mul ?x ?c) => ?x :if (const-all ?c 1) (keeps-type ?x))")).ok).toBe(true);
  });

  it("draws ±0, ±Inf and NaN in an unconstrained float leaf, none under (finite ?x), no NaN or negatives under a >= 0 domain", () => {
    const r = rule("(rule r (BatchNormalization ?x ?s ?b ?m ?v) => ?x :if (finite ?s) (non-negative ?b) (finite ?m) (non-negative ?m))");
    const values = (name: string) => Array.from(leafTensor(leafSpec(r, name), [4096], 11, 3).toNumbers());
    const x = values("x");
    expect(x.some(Number.isNaN)).toBe(true);
    expect(x).toContain(Infinity);
    expect(x).toContain(-Infinity);
    expect(x.some((v) => Object.is(v, -0))).toBe(true);
    expect(values("s").every(Number.isFinite)).toBe(true);
    expect(values("m").every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    for (const name of ["b", "v"]) {
      const domain = values(name);
      expect(domain.every((v) => v >= 0), name).toBe(true);
      expect(domain, name).toContain(Infinity);
    }
  });
});

describe("rule checker: operand domains", () => {
  it("takes BatchNormalization's variance domain (>= 0) from the op registry", () => {
    const bn = shipped("conv-nobias-batchnorm");
    expect(leafSpec(bn, "var")).toMatchObject({ nonNegative: true, finite: false });
    expect(leafSpec(bn, "mean")).toMatchObject({ nonNegative: false, finite: false });
    expect(leafSpec(bn, "scale")).toMatchObject({ nonNegative: false, finite: true });
  });
});

describe("rule checker: tolerance follows the conditioning", () => {
  // The kind of case (found among 11,000 zero-variance instances): eps 1e-5 magnifies by
  // 316, terms of ~3700 cancel to -0.224, and the sides differ by 6.6e-5 (3e-4 of the result).
  const bn = shipped("conv-nobias-batchnorm");
  const leaves = new Map([
    ["x", Tensor.fromNumbers("float32", [1, 1, 4, 4], [1.8125, 1.875, -0.5625, -1.75, 0.75, 1.5625, -1.5, -0.625, -0.9375, -1.5, -1.125, 0.0625, -1.8125, -0.5, 1.25, -0.1875])],
    ["w", Tensor.fromNumbers("float32", [1, 1, 1, 3], [-1.1875, -1.0625, -0.75])],
    ["scale", Tensor.fromNumbers("float32", [1], [-1.4375])],
    ["beta", Tensor.fromNumbers("float32", [1], [-2])],
    ["mean", Tensor.fromNumbers("float32", [1], [-0.3125])],
    ["var", Tensor.fromNumbers("float32", [1], [0])],
  ]);

  it("a correct rule whose sides differ by more than rtol 1e-4 of the result passes against the terms' magnitude", () => {
    const e = evaluateInstance(bn, leaves);
    if (e.kind !== "values") throw new Error(`expected an instance, got ${e.kind}`);
    const plain = firstDifference(e.lhs, e.rhs);
    expect(plain, "the plain tolerance alone rejects this correct instance").toMatch(/differs/);
    const sidesOf = (l: ReadonlyMap<string, Tensor>) => {
      const p = evaluateInstance(bn, l);
      return p.kind === "values" ? p : undefined;
    };
    const magnitude = termMagnitudes(leaves, new Set(), e, sidesOf, 1);
    expect(magnitude[1]).toBeGreaterThan(1000);
    expect(firstDifference(e.lhs, e.rhs, magnitude)).toBeUndefined();
  });

  it("a wrong rule still fails where the terms are large (the tolerance is relative, not unbounded)", () => {
    const wrongBn = rule(`(rule bn-wrong-eps
      (BatchNormalization (Conv ?x ?w None :* ?conv :activation nil :layout nil) ?scale ?beta ?mean ?var :epsilon ?eps)
      => (Conv ?x (Mul ?w (Reshape (Div ?scale (Sqrt (Add ?var (const float32 0.00002)))) :shape (channel-shape ?w)))
           (Sub ?beta (Mul ?mean (Div ?scale (Sqrt (Add ?var (const float32 0.00002)))))) :* ?conv)
      :if (finite ?scale)
      :check (?x [n c 4 4]) (?w [m c 1 3]) (?scale [m]) (?beta [m]) (?mean [m]) (?var [m]) (?eps 0.00001))`);
    expect(checkRule(wrongBn).ok).toBe(false);
  });

  it("the shipped BatchNorm and scale folds pass for 40 seeds", () => {
    const names = ["conv-batchnorm", "conv-nobias-batchnorm", "conv-mul-scale", "conv-nobias-mul-scale", "mul-add-const"];
    for (let seed = 100; seed < 140; seed++) {
      for (const name of names) {
        const r = checkRule(shipped(name), { seed, runs: 25 });
        expect(r.ok, describeFailure(r)).toBe(true);
      }
    }
  });
});

describe("user rules before use", () => {
  it("requireSoundRules names the rule, file:line, the counterexample, the seed and the way out", () => {
    const error = errorOf(() => requireSoundRules(parseRules("(rule ok (Relu (Relu ?x)) => (Relu ?x))\n(rule bad (Add ?x ?y) => ?x)", "user.rules")));
    expect(error.code).toBe("bad-rule");
    expect(error.message).toMatch(/^rule "bad" at user\.rules:2:1: failed the soundness check: element \d+ differs: .*\(seed 1; `egret rules check --seed 1 user\.rules` replays it\)\. Fix the rule, or pass --no-check-rules/);
    expect(() => requireSoundRules(parseRules("(rule ok (Relu (Relu ?x)) => (Relu ?x))", "user.rules"))).not.toThrow();
  });
});
