import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGraph, compileGraph, EgretError } from "../../src/index.js";
import { checkRules } from "../../src/rules/check.js";
import { loadRuleFile, loadRuleFiles, parseRules, shippedRuleFiles } from "../../src/rules/load.js";
import { optimizeGraph } from "../../src/egraph/ir/optimize.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples", "rules");

function loadError(text: string): EgretError {
  try {
    parseRules(text, "bad.rules");
  } catch (e) {
    if (e instanceof EgretError) return e;
    throw e;
  }
  throw new Error("expected the rule text to be rejected");
}

describe("rule files: malformed input gives file:line:col", () => {
  it.each([
    ["(rule r (Relu ?x) => ?x", /^bad\.rules:1:1: unclosed "\("/],
    ["(rule r (Relu ?x) => ?x))", /^bad\.rules:1:25: unexpected "\)"/],
    ["\n  (rule r (Frobnicate ?x) => ?x)", /^bad\.rules:2:11: rule "r": unknown op "Frobnicate"/],
    ["(rule r (Relu ?x) => (Relu ?y))", /^bad\.rules:1:28: rule "r": right-hand side uses \?y/],
    ["(rule r (Relu ?x ?y) => ?x)", /^bad\.rules:1:9: rule "r": Relu takes 1 operands, got 2/],
    ["(rule r (Relu ?x) => ?x)\n(rule r (Sigmoid ?x) => ?x)", /^bad\.rules:2:1: rule "r" is defined twice \(first at bad\.rules:1:1\)/],
    ["(rule r (Relu ?x) => ?x :if (is-wonderful ?x))", /^bad\.rules:1:30: rule "r": unknown guard "is-wonderful"/],
    ["(rule r ?x => ?x)", /^bad\.rules:1:9: rule "r": the left-hand side must start with an op/],
    // Unknown attributes: on the left, on the right, in a :check record; the op's known ones are listed.
    ["(rule r (Conv ?x ?w :foo 3) => ?x)", /^bad\.rules:1:21: rule "r": Conv has no attribute "foo" \(known: auto_pad, dilations, kernel_shape, pads, strides, group, layout, activation, activation_alpha, activation_beta\)$/],
    ["(rule r (Relu ?x) => (LeakyRelu ?x :alpah 0.1))", /^bad\.rules:1:36: rule "r": LeakyRelu has no attribute "alpah" \(known: alpha\)$/],
    ["(rule r (Relu ?x :alpha 1) => ?x)", /^bad\.rules:1:18: rule "r": Relu has no attribute "alpha" \(it takes no attributes\)$/],
    ["(rule r (Conv ?x ?w :* ?c) => (Relu ?x) :check (?c :grop 2))", /^bad\.rules:1:52: rule "r": Conv has no attribute "grop"/],
  ])("%s", (text, message) => {
    const error = loadError(text);
    expect(error.code).toBe("bad-rule");
    expect(error.message).toMatch(message);
  });
});

describe("rule attributes", () => {
  it("the right side may remove (nil) an attribute its copied record brings from the left-hand op", () => {
    const [rule] = parseRules("(rule r (QDepthwiseConv2D ?x ?w :* ?dw) => (QConv2D ?x ?w :* ?dw :depth_multiplier nil))", "ok.rules");
    expect(rule!.name).toBe("r");
    expect(loadError("(rule r (QDepthwiseConv2D ?x ?w :* ?dw) => (QConv2D ?x ?w :* ?dw :depth_multiplier 2))").message).toMatch(/QConv2D has no attribute "depth_multiplier"/);
  });
});

describe("egret rules check", () => {
  it("passes every shipped rule", () => {
    const results = checkRules(loadRuleFiles(shippedRuleFiles()), { runs: 25, seed: 42 });
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it("catches a deliberately unsound rule with a counterexample", () => {
    const [result] = checkRules(loadRuleFile(join(EXAMPLES, "unsound.rules")), { runs: 50, seed: 1 });
    expect(result!.ok).toBe(false);
    expect(result!.counterexample).toMatch(/element \d+ differs/);
    expect(result!.location).toMatch(/unsound\.rules:2:1$/);
  });
});

describe("user rules", () => {
  it("the example user rule file is applied by compile (--rules)", () => {
    const extraRules = loadRuleFile(join(EXAMPLES, "user.rules"));
    expect(checkRules(extraRules, { runs: 20, seed: 3 }).every((r) => r.ok)).toBe(true);
    const graph = buildGraph({
      name: "negneg",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [4] }],
      outputs: ["z"],
      constants: new Map(),
      nodes: [
        { name: "n1", op: "Neg", inputs: ["x"], outputs: ["y"], attrs: {} },
        { name: "n2", op: "Neg", inputs: ["y"], outputs: ["y2"], attrs: {} },
        { name: "r", op: "Sigmoid", inputs: ["y2"], outputs: ["z"], attrs: {} },
      ],
    });
    const { report, graph: out } = optimizeGraph(graph, { rules: extraRules });
    expect(report.hits["double-neg"]).toBe(1);
    expect(out.nodes.map((n) => n.op)).toEqual(["Sigmoid"]);
    expect(compileGraph(graph, { extraRules }).summary.kernelCalls).toBe(1);
    expect(compileGraph(graph).summary.kernelCalls).toBe(3);
  });
});
