import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/** User rules: `compile --rules` checks them first; `rules check` is reproducible and strict. */

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-cli-rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const conv = join(requireOnnxTestdata(), "pytorch-converted", "test_Conv2d", "model.onnx");

function egret(...args: string[]) {
  const r = spawnSync("node", [EGRET, ...args], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS, cwd: work });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function ruleFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe("egret compile --rules", () => {
  const unsound = ruleFile("unsound.rules", "; x + y is not x\n(rule bad (Add ?x ?y) => ?x)\n");

  it("runs the checker on the user's rules first: exit 1 naming the rule, file:line and seed; nothing written", () => {
    const out = join(work, "never");
    const r = egret("compile", conv, "-o", out, "--rules", unsound);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^egret: error: rule "bad" at .*unsound\.rules:2:1: failed the soundness check: element \d+ differs: .*\(seed 1; `egret rules check --seed 1 .*unsound\.rules` replays it\)\. Fix the rule, or pass --no-check-rules/);
    expect(existsSync(out)).toBe(false);
    // Before the model is read: the same error with a model file that does not exist.
    expect(egret("compile", join(work, "no-such-model.onnx"), "-o", out, "--rules", unsound).err).toMatch(/^egret: error: rule "bad" at /);
  });

  it("--no-check-rules uses them unchecked (documented way out)", () => {
    const r = egret("compile", conv, "-o", join(work, "unchecked"), "--rules", unsound, "--no-check-rules");
    expect(r.code, r.err).toBe(0);
  });

  it("sound user rules are checked and used", () => {
    const good = ruleFile("good.rules", "(rule double-neg (Neg (Neg ?x)) => ?x)\n");
    const r = egret("compile", conv, "-o", join(work, "checked"), "--rules", good);
    expect(r.code, r.err).toBe(0);
  });
});

describe("egret rules check", () => {
  const mulZero = ruleFile("mul-zero.rules", "(rule mul-zero (Mul ?x ?c) => ?c\n  :if (const-all ?c 0) (keeps-type ?c))\n");

  it("(Mul ?x ?c) => ?c for a zero constant is wrong (x may be Inf or NaN); the seed is printed, --seed replays it", () => {
    const a = egret("rules", "check", mulZero);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/^WRONG mul-zero at .*mul-zero\.rules:1:1: element \d+ differs: left side NaN, right side 0 for \?x = .* \(seed 1\)\n0 of 1 rules passed \(seed 1, 100 runs per rule\)\n$/);
    const b = egret("rules", "check", mulZero, "--seed", "12345");
    expect(b.out).toMatch(/\(seed 12345\)\n0 of 1 rules passed \(seed 12345, 100 runs per rule\)/);
    expect(egret("rules", "check", mulZero, "--seed", "12345").out).toBe(b.out);
  });

  it("an unknown attribute is an error naming the file:line:col, the rule and the op's attributes", () => {
    const r = egret("rules", "check", ruleFile("attr.rules", "\n(rule r (LeakyRelu ?x :alpah 0.1) => ?x)\n"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^egret: error: .*attr\.rules:2:23: rule "r": LeakyRelu has no attribute "alpah" \(known: alpha\)/);
  });

  it("a bad --seed names the option", () => {
    const r = egret("rules", "check", mulZero, "--seed", "1.5");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/option --seed: "1\.5" is not a whole number/);
  });
});
