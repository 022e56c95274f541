import { describe, expect, it } from "vitest";
import { registeredOps, runCase, type CaseOutcome } from "./onnx-backend.js";
import { countsLine, formatReport, passRate, passRateOfAll, splitLines } from "./report.js";
import { caseFilter, FILTER_ENV, partOf } from "./suites.js";
import { buildModel, StageError } from "./c-build.js";
import { Tensor } from "../../src/index.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { opKey } from "./model-ops.js";
import { constGraphInputs } from "./freeze.js";

/**
 * The harness's own rules: the registry alone decides "unsupported", a supported op set that fails
 * is "failed" with a reason, and the split halves cover a suite exactly once.
 */
describe("conformance harness", () => {
  it("classifies a case by the registry: unsupported without its op, passed with it", async () => {
    expect(await runCase("node", "test_relu", new Set())).toEqual({ name: "test_relu", status: "unsupported", ops: ["Relu"] });
    expect(await runCase("node", "test_relu", registeredOps())).toEqual({ name: "test_relu", status: "passed" });
  });

  it("counts a case whose ops are registered but which cannot compile as failed, with a reason", async () => {
    // Cast is registered; casting to string has no C equivalent.
    const outcome = await runCase("node", "test_cast_FLOAT_to_STRING", new Set(["Cast"]));
    expect(outcome.status).toBe("failed");
    expect(outcome.status === "failed" && outcome.reason).toMatch(/^import: /);
  });

  it("freezes shape operands fed as graph inputs and says so", async () => {
    const outcome = await runCase("node", "test_reshape_reordered_all_dims", registeredOps());
    expect(outcome).toEqual({ name: "test_reshape_reordered_all_dims", status: "passed", frozen: ["shape"] });
  });

  it("freezes an input that reaches a constant operand through other nodes, but not data read only by Shape or CastLike", () => {
    // The expanded CenterCropPad: pads = Concat(Div(Sub(Max(Shape(x), shape), Shape(x)), 2), ...);
    // CastLike reads only the type of its second input.
    const node = (op: string, inputs: string[], outputs: string[]) => ({ op, inputs, outputs });
    const scan = {
      ops: new Set<string>(),
      declaredInputs: ["x", "shape", "like"],
      initializers: new Set(["two"]),
      outputs: ["y"],
      nodes: [
        node("Shape", ["x"], ["xs"]),
        node("Max", ["xs", "shape"], ["padded"]),
        node("Sub", ["padded", "xs"], ["amount"]),
        node("CastLike", ["two", "like"], ["two_like"]),
        node("Div", ["amount", "two_like"], ["half"]),
        node("Concat", ["half", "amount"], ["pads"]),
        node("Pad", ["x", "pads"], ["y"]),
      ],
    };
    expect(constGraphInputs(scan)).toEqual(["shape"]);
  });

  it("spells ops of other domains with their domain", () => {
    expect(opKey("", "Relu")).toBe("Relu");
    expect(opKey("ai.onnx", "Relu")).toBe("Relu");
    expect(opKey("com.microsoft", "QLinearConv")).toBe("com.microsoft:QLinearConv");
  });

  it("splits a suite into parts that cover it exactly once", () => {
    const cases = ["a", "b", "c", "d", "e"];
    expect([...partOf(cases, 0, 2), ...partOf(cases, 1, 2)]).toEqual(cases);
    expect(partOf(cases, 0, 2)).toEqual(["a", "b", "c"]);
    const many = Array.from({ length: 1802 }, (_, i) => i);
    const parts = [0, 1, 2, 3].map((i) => partOf(many, i, 4));
    expect(parts.flat()).toEqual(many);
    expect(parts.map((p) => p.length)).toEqual([451, 451, 451, 449]);
  });

  it("selects cases by the filter variable, and names the variable when the expression is invalid", () => {
    expect(caseFilter({})).toBeUndefined();
    expect(caseFilter({ [FILTER_ENV]: "^test_mod_" })?.test("test_mod_int64")).toBe(true);
    expect(() => caseFilter({ [FILTER_ENV]: "(" })).toThrow(/EGRET_CONFORMANCE_FILTER=\( is not a valid regular expression/);
  });

  it("reports a documented known exception as a failure that carries its documentation", async () => {
    const outcome = await runCase("node-latest", "test_averagepool_2d_ceil_last_window_starts_on_pad", registeredOps());
    // Without ../shared the case cannot be read: that is a failure too, never a pass.
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed" && !outcome.reason.includes("not on this machine")) {
      expect(outcome.reason).toMatch(/^known exception \(the expected values were typed by hand.*\): test_data_set_0: output 0/);
    }
  });

  it("reports counts, failures and unsupported ops by number of cases", () => {
    const outcomes: CaseOutcome[] = [
      { name: "ok", status: "passed" },
      { name: "bad", status: "failed", reason: "build: boom", crashed: false },
      { name: "u1", status: "unsupported", ops: ["Foo", "Bar"] },
      { name: "u2", status: "unsupported", ops: ["Foo"] },
    ];
    const report = formatReport("demo", outcomes);
    expect(report.split("\n")[0]).toBe("demo: 1 passed, 1 failed, 2 unsupported (50.0 % of supported, 25.0 % of all pass)");
    expect(report).toContain("bad: build: boom");
    expect(report).toContain("Foo×2, Bar×1");
    expect(countsLine("x", { passed: 0, failed: 0, unsupported: 3 })).toBe("x: 0 passed, 0 failed, 3 unsupported (100.0 % of supported, 0.0 % of all pass)");
    expect(passRate({ passed: 9, failed: 1, unsupported: 50 })).toBe(0.9);
    expect(passRateOfAll({ passed: 9, failed: 1, unsupported: 50 })).toBe(0.15);
    const split = splitLines("s", outcomes, new Set(["ok", "u1"]), "old");
    expect(split).toEqual([
      "s, 2 cases also in old: 1 passed, 0 failed, 1 unsupported (100.0 % of supported, 50.0 % of all pass)",
      "s, 2 new cases: 0 passed, 1 failed, 1 unsupported (0.0 % of supported, 0.0 % of all pass)",
    ]);
  });

  it("reports a runner that rejects its input as a run failure with the runner's message", async () => {
    const { graph } = singleNodeGraph("Relu", [{ value: randomTensor([2, 3], 1) }]);
    const built = await buildModel(graph);
    try {
      const wrongSize = Tensor.fromNumbers("float32", [5], [1, 2, 3, 4, 5]);
      const error: unknown = await built.run([wrongSize]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StageError);
      expect((error as StageError).stage).toBe("run");
      expect((error as StageError).crashed).toBe(false);
      expect((error as StageError).message).toMatch(/exactly 24 bytes/);
    } finally {
      await built.dispose();
    }
  });
});
