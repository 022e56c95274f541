/**
 * A slice of the CLI mutation campaign (bench/mutation-campaign.ts, issue 12): 80 mutated files
 * over the seven formats, each through `egret info` and then `compile` (kmodel: `run`) as a
 * separate process, so V8 aborts and hangs are seen. Asserts no internal error, crash or hang;
 * the full campaign (2,050 files) is `npm run bench:mutation`. About 150 s of CPU, ~75 s on two
 * idle cores.
 */
import { describe, expect, it } from "vitest";
import { badCases, runCampaign } from "../../bench/mutation/campaign.js";
import { formatReport } from "../../bench/mutation/report.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { SHARED } from "../support/testdata.js";

const shared = SHARED;
const NEEDS_SHARED = "CLI mutation campaign slice";

describe("CLI mutation campaign (slice)", () => {
  it("80 mutated files: no internal error, crash or hang", { timeout: 900_000 }, async (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const result = await runCampaign({
      seed: 2024,
      counts: { onnx: 12, tflite: 12, caffe: 10, prototxt: 10, tf: 10, keras: 8, kmodel: 18 },
      jobs: 2,
      timeoutMs: 30_000,
    });
    const report = formatReport(result, (id) => `node dist/bench/mutation-campaign.js --replay '${id}' --seed 2024 --keep /tmp/replay`);
    console.log(report);
    expect(result.missingFormats).toEqual([]);
    expect(result.cases).toHaveLength(80);
    // The slice reaches past the readers: some files still import, most are refused cleanly.
    expect(result.cases.filter((c) => c.outcome === "success").length).toBeGreaterThan(10);
    expect(result.cases.filter((c) => c.outcome === "clean-error").length).toBeGreaterThan(30);
    expect(badCases(result).map((c) => c.case.id), report).toEqual([]);
  });
});

describe("campaign outcome classification", () => {
  it("tells clean errors from internal errors, crashes and hangs", async () => {
    const { classify } = await import("../../bench/mutation/run-cli.js");
    expect(classify(0, null, "", false)).toBe("success");
    expect(classify(1, null, "egret: error: model file m.onnx: is not a valid ONNX model\n", false)).toBe("clean-error");
    expect(classify(70, null, "egret: internal error (please report it): RangeError: x\n    at f (a.js:1:1)\n", false)).toBe("internal-error");
    // An uncaught exception outside the CLI's handler: exit 1 with a stack trace.
    expect(classify(1, null, "file:///x.js:3\nTypeError: boom\n    at main (x.js:3:9)\n", false)).toBe("internal-error");
    expect(classify(null, "SIGABRT", "FATAL ERROR: Reached heap limit Allocation failed\n", false)).toBe("crash");
    expect(classify(134, null, "FATAL ERROR: invalid array length\n", false)).toBe("crash");
    expect(classify(null, "SIGKILL", "", true)).toBe("hang");
  });
});
