import { describe, expect, it } from "vitest";
import { halfOf, registeredOps, runCase, type CaseOutcome } from "./onnx-backend.js";
import { countsLine, formatReport, passRate } from "./report.js";
import { buildModel, StageError } from "./c-build.js";
import { Tensor } from "../../src/index.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { opKey } from "./model-ops.js";

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

  it("spells ops of other domains with their domain", () => {
    expect(opKey("", "Relu")).toBe("Relu");
    expect(opKey("ai.onnx", "Relu")).toBe("Relu");
    expect(opKey("com.microsoft", "QLinearConv")).toBe("com.microsoft:QLinearConv");
  });

  it("splits a suite into two halves that cover it exactly once", () => {
    const cases = ["a", "b", "c", "d", "e"];
    expect([...halfOf(cases, 0), ...halfOf(cases, 1)]).toEqual(cases);
    expect(halfOf(cases, 0)).toEqual(["a", "b", "c"]);
  });

  it("reports counts, failures and unsupported ops by number of cases", () => {
    const outcomes: CaseOutcome[] = [
      { name: "ok", status: "passed" },
      { name: "bad", status: "failed", reason: "build: boom", crashed: false },
      { name: "u1", status: "unsupported", ops: ["Foo", "Bar"] },
      { name: "u2", status: "unsupported", ops: ["Foo"] },
    ];
    const report = formatReport("demo", outcomes);
    expect(report.split("\n")[0]).toBe("demo: 1 passed, 1 failed, 2 unsupported");
    expect(report).toContain("bad: build: boom");
    expect(report).toContain("Foo×2, Bar×1");
    expect(countsLine("x", { passed: 0, failed: 0, unsupported: 3 })).toBe("x: 0 passed, 0 failed, 3 unsupported");
    expect(passRate({ passed: 9, failed: 1, unsupported: 50 })).toBe(0.9);
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
