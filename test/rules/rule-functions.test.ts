import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { EgretError } from "../../src/index.js";
import type { ArgValue, MatchFacts } from "../../src/rules/facts.js";
import { checkRules } from "../../src/rules/check.js";
import { VOCABULARY } from "../support/toolchain.js";
import { parseRules, shippedRuleFiles, loadRuleFiles } from "../../src/rules/load.js";
import { spatialPads } from "../../src/rules/window-functions.js";

/** Attribute functions and guards added for Pad folding, layout and constant grouping, and nested calls. */

const v = (value: ArgValue extends infer A ? (A extends { kind: "value"; value: infer V } ? V : never) : never): ArgValue => ({ kind: "value", value });
const shaped = (shape: number[], constant = false): ArgValue => ({
  kind: "class",
  facts: { type: { dtype: "float32", shape }, constant: constant ? ({ size: shape.reduce((a, b) => a * b, 1) } as never) : undefined, range: undefined },
});
const noMatch: MatchFacts = { root: { type: undefined, constant: undefined, range: undefined } };
const call = (fn: string, ...args: ArgValue[]) => VOCABULARY.functions.get(fn)!.compute(args, noMatch);
const test = (guard: string, ...args: ArgValue[]) => VOCABULARY.guards.get(guard)!.test(args, noMatch);

describe("window padding arithmetic", () => {
  it("spatial-pads maps Pad's [begins, ends] over axes to window pads, and refuses N/C padding or cropping", () => {
    expect(spatialPads([0, 0, 1, 2, 0, 0, 3, 4], undefined, 4)).toEqual([1, 2, 3, 4]);
    expect(spatialPads([1, 2, 3, 4], [-1, 2], 4)).toEqual([2, 1, 4, 3]);
    expect(spatialPads([0, 1, 1, 1, 0, 0, 1, 1], undefined, 4)).toBeUndefined();
    expect(spatialPads([0, 0, -1, 1, 0, 0, 1, 1], undefined, 4)).toBeUndefined();
    expect(spatialPads([1, 1], undefined, 4)).toBeUndefined();
    expect(call("spatial-pads", v([0, 0, 1, 0, 0, 2]), v(null), shaped([1, 2, 7]))).toEqual([1, 2]);
  });

  it("add-ints adds lists, reading nil as zeros, and refuses different lengths", () => {
    expect(call("add-ints", v([1, 2, 3, 4]), v([1, 0, 0, 1]))).toEqual([2, 2, 3, 5]);
    expect(call("add-ints", v([1, 2]), v(null))).toEqual([1, 2]);
    expect(call("add-ints", v(null), v([3, 4]))).toEqual([3, 4]);
    expect(call("add-ints", v([1, 2]), v([1, 2, 3]))).toBeUndefined();
  });

  it("pads-fit-window and zero-or-nil", () => {
    expect(test("pads-fit-window", v([2, 2, 2, 2]), v([3, 3]), v(null))).toBe(true);
    expect(test("pads-fit-window", v([3, 0, 0, 0]), v([3, 3]), v(null))).toBe(false);
    expect(test("pads-fit-window", v([3, 0, 0, 0]), v([3, 3]), v([2, 1]))).toBe(true);
    expect(test("zero-or-nil", v(null))).toBe(true);
    expect(test("zero-or-nil", v([0, 0]))).toBe(true);
    expect(test("zero-or-nil", v([0, 1]))).toBe(false);
  });
});

describe("layout functions", () => {
  it("invert-perm, perm-axis, align-shape, rows-perm", () => {
    expect(call("invert-perm", v([0, 2, 3, 1]))).toEqual([0, 3, 1, 2]);
    expect(call("invert-perm", v([0, 0, 1]))).toBeUndefined();
    expect(call("perm-axis", v([0, 2, 3, 1]), v(-1))).toBe(1);
    expect(call("perm-axis", v([0, 2, 3, 1]), v(4))).toBeUndefined();
    expect(call("align-shape", shaped([16]), shaped([1, 5, 5, 16]))).toEqual([1, 1, 1, 16]);
    expect(call("align-shape", shaped([1, 1, 1, 1, 16]), shaped([1, 5, 5, 16]))).toBeUndefined();
    expect(call("rows-perm", v([0, 2, 3, 1]))).toEqual([2, 0, 1, 3]);
    expect(call("rows-perm", v([1, 0, 2]))).toBeUndefined();
  });

  it("unit-axes-only accepts transposes that only move size-1 axes", () => {
    expect(test("unit-axes-only", shaped([1, 28, 28, 1]), v([0, 3, 1, 2]))).toBe(true);
    expect(test("unit-axes-only", shaped([1, 28, 28, 2]), v([0, 3, 1, 2]))).toBe(false);
    expect(test("unit-axes-only", shaped([4, 1, 5]), v([1, 0, 2]))).toBe(true);
  });

  it("batch-flatten and broadcast-no-larger", () => {
    expect(test("batch-flatten", shaped([2, 3, 4]), shaped([2, 12]), v([0, 2, 1]))).toBe(true);
    expect(test("batch-flatten", shaped([2, 3, 4]), shaped([6, 4]), v([0, 2, 1]))).toBe(false);
    expect(test("batch-flatten", shaped([2, 3, 4]), shaped([2, 12]), v([1, 0, 2]))).toBe(false);
    expect(test("broadcast-no-larger", shaped([3, 1]), shaped([3, 4]))).toBe(true);
    expect(test("broadcast-no-larger", shaped([3, 1]), shaped([1, 4]))).toBe(false);
  });
});

describe("rule language: nested calls and not-const", () => {
  it("a function call may be the argument of a guard or of another function", () => {
    const [rule] = parseRules("(rule r (Conv (Pad ?x :pads ?pp :axes ?pa) ?w :pads ?cp) => (Conv ?x ?w :pads (add-ints (spatial-pads ?pp ?pa ?x) ?cp))\n  :if (zero-or-nil (add-ints ?cp ?cp)))", "nested.rules", VOCABULARY);
    expect(rule!.guards[0]!.args[0]!.kind).toBe("call");
  });

  it.each([
    ["(rule r (Relu ?x) => ?x :if (zero-or-nil (no-such-fn ?x)))", /^bad\.rules:1:43: rule "r": unknown attribute function "no-such-fn"/],
    ["(rule r (Transpose ?x :perm ?p) => (Transpose ?x :perm (invert-perm (invert-perm ?q))))", /^bad\.rules:1:82: rule "r": right-hand side uses \?q/],
    ["(rule r (Transpose ?x :perm ?p) => (Transpose ?x :perm (invert-perm ?p ?p)))", /^bad\.rules:1:56: rule "r": invert-perm takes 1 argument/],
  ])("rejects a bad nested call with file:line:col: %s", (text, message) => {
    let error: unknown;
    try {
      parseRules(text, "bad.rules", VOCABULARY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EgretError);
    expect((error as EgretError).message).toMatch(message);
  });

  it("every shipped rule file, the target-only ones included, passes the checker", () => {
    const files = [...shippedRuleFiles(), ...readdirSync(join(PACKAGE_ROOT, "rules", "targets")).sort().map((f) => join(PACKAGE_ROOT, "rules", "targets", f))];
    expect(files.map((f) => f.split("/").pop())).toEqual(["algebra.rules", "fold.rules", "fusion.rules", "layout.rules", "qdq.rules", "quant.rules", "cortex-m.rules", "float-kernels.rules", "k210.rules"]);
    const results = checkRules(loadRuleFiles(files, VOCABULARY), { runs: 20, seed: 11 });
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it("the checker catches a Pad folded into MaxPool with a zero pad value (unsound: zeros win over negatives)", () => {
    const rules = parseRules(
      `(rule maxpool-zero-pad
  (MaxPool (Pad ?x :mode "constant" :value 0 :pads ?pp :axes ?pa) :* ?pool :auto_pad "NOTSET" :ceil_mode 0 :pads ?mp :kernel_shape ?k)
  => (MaxPool ?x :* ?pool :pads (add-ints (spatial-pads ?pp ?pa ?x) ?mp))
  :check (?x [n c 4 4]) (?pp [0 0 1 1 0 0 1 1]) (?pa nil) (?mp nil) (?k [3 3]))`,
      "wrong.rules",
      VOCABULARY,
    );
    const [result] = checkRules(rules, { runs: 60, seed: 5 });
    expect(result!.ok).toBe(false);
    expect(result!.counterexample).toMatch(/element \d+ differs/);
  });

  it("the checker presents not-const variables as run-time values, so constant-grouping rules are exercised", () => {
    const [result] = checkRules(parseRules("(rule g (Add (Add ?x ?a) ?b) => (Add ?x (Add ?a ?b)) :if (not-const ?x) (is-const ?a) (is-const ?b) :check (?x [2 3]) (?a [3]) (?b [3]))", "g.rules", VOCABULARY), { runs: 10, seed: 1 });
    expect(result!.ok).toBe(true);
    expect(result!.instances).toBe(10);
  });
});
