/**
 * `egret compile --limit NAME=N`: the optimizer's work limits (iterations, enodes, applications,
 * extraction-steps) stop a search and are reported by --json; `seconds` is the wall-clock safety
 * net, which never changes the program: past it the compile fails, naming the option, and writes
 * nothing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseLimitOptions } from "../../src/cli/limit-options.js";
import { compileGraph } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { OPTIMIZER_LIMITS } from "../../src/egraph/ir/optimize.js";
import { errorOf } from "../support/errors.js";
import { randomTensor } from "../support/graphs.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { runProcess } from "../support/processes.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-limits-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const egret = async (...args: string[]) => {
  const r = await runProcess([EGRET, ...args]);
  return { code: r.code, out: r.stdout, err: r.stderr };
};

/** Two Conv → BatchNormalization → Relu blocks: folding and fusing take the optimizer several iterations. */
function writeConvBnModel(): string {
  const nodes = [];
  const initializers: Record<string, ReturnType<typeof randomTensor>> = {};
  let input = "x";
  for (let i = 0; i < 2; i++) {
    initializers[`w${i}`] = randomTensor([4, 4, 3, 3], 10 + i);
    initializers[`b${i}`] = randomTensor([4], 20 + i);
    for (const p of ["scale", "shift", "mean"]) initializers[`${p}${i}`] = randomTensor([4], 30 + i + p.length);
    initializers[`var${i}`] = randomTensor([4], 40 + i, 0.5, 1.5);
    nodes.push(
      { op: "Conv", inputs: [input, `w${i}`, `b${i}`], outputs: [`c${i}`], attrs: { pads: [1, 1, 1, 1] } },
      { op: "BatchNormalization", inputs: [`c${i}`, `scale${i}`, `shift${i}`, `mean${i}`, `var${i}`], outputs: [`n${i}`] },
      { op: "Relu", inputs: [`n${i}`], outputs: [i === 1 ? "y" : `r${i}`] },
    );
    input = `r${i}`;
  }
  const path = join(work, "convbn.onnx");
  writeFileSync(path, encodeOnnxModel({ inputs: [{ name: "x", dims: [1, 4, 8, 8] }], outputs: ["y"], nodes, initializers }));
  return path;
}

describe("--limit parsing", () => {
  it("maps names to the optimizer limits and seconds to the safety net", () => {
    expect(parseLimitOptions([])).toEqual({ limits: {} });
    expect(parseLimitOptions(["iterations=3", "enodes=500", "applications=0", "extraction-steps=1000", "seconds=0"])).toEqual({
      limits: { iterations: 3, nodes: 500, applications: 0, extractionSteps: 1000 },
      safetyNetSeconds: 0,
    });
    expect(parseLimitOptions(["seconds=2.5"]).safetyNetSeconds).toBe(2.5);
  });

  it("rejects unknown names, repeats, and values that are not whole numbers, naming the option", () => {
    expect(errorOf(() => parseLimitOptions(["nodes=5"])).message).toMatch(/option --limit: "nodes=5" is not NAME=N with NAME one of iterations, enodes, applications, extraction-steps, seconds/);
    expect(errorOf(() => parseLimitOptions(["iterations=3", "iterations=4"])).message).toMatch(/"iterations" is given twice/);
    expect(errorOf(() => parseLimitOptions(["iterations=2.5"])).message).toMatch(/option --limit iterations: "2.5" is not a whole number/);
    expect(errorOf(() => parseLimitOptions(["enodes=-1"])).message).toMatch(/option --limit enodes/);
    expect(errorOf(() => parseLimitOptions(["seconds=soon"])).message).toMatch(/option --limit seconds: "soon" is not a number of seconds/);
  });
});

describe("egret compile --limit", () => {
  const model = writeConvBnModel();

  it("--json reports the stop reason, the limits and the work counts; a lower limit stops earlier, reported as such", async () => {
    const full = await egret("compile", model, "-o", join(work, "full"), "--json");
    expect(full.code, full.err).toBe(0);
    const report = JSON.parse(full.out).optimizer;
    expect(report.stopReason).toBe("saturated");
    expect(report.limits).toEqual(OPTIMIZER_LIMITS);
    expect(report.work.iterations).toBeGreaterThanOrEqual(3);
    expect(report.work.ruleApplications).toBeGreaterThan(0);
    expect(report.work.enodes).toBe(report.nodes);
    expect(report.extraction.dagStatus).toBe("optimal");
    expect(report.work.extractionSteps).toBeGreaterThan(0);

    const cut = await egret("compile", model, "-o", join(work, "cut"), "--json", "--limit", "iterations=1", "--limit", "extraction-steps=0");
    expect(cut.code, cut.err).toBe(0);
    const cutReport = JSON.parse(cut.out).optimizer;
    expect(cutReport).toMatchObject({ stopReason: "iteration-limit", iterations: 1, limits: { iterations: 1, extractionSteps: 0 } });
    expect(cutReport.extraction.dagStatus).toBe("step-limit");
    expect((await egret("compile", model, "-o", join(work, "cut-text"), "--limit", "iterations=1")).out).toMatch(/saturation stopped at the iteration-limit after 1 iterations/);
  });

  it("a tripped safety net fails the compile (exit 1), names --limit seconds, and writes no output folder", async () => {
    const out = join(work, "tripped");
    const r = await egret("compile", model, "-o", out, "--limit", "seconds=0.000001");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/optimizer safety net \(--limit seconds\): the e-graph optimizer ran .* past its 0.000001 s wall-clock safety net.*--limit seconds=N \(0 turns it off\)/);
    expect(existsSync(out)).toBe(false);
  });

  it("the library's error is an EgretError with code limit; seconds=0 turns the net off", () => {
    const graph = importModelFile(model);
    const error = errorOf(() => compileGraph(graph, { safetyNetSeconds: 1e-9 }));
    expect(error.code).toBe("limit");
    expect(error.subject).toBe("optimizer safety net (--limit seconds)");
    expect(compileGraph(graph, { safetyNetSeconds: 0 }).summary.optimizer?.stopReason).toBe("saturated");
    expect(errorOf(() => compileGraph(graph, { safetyNetSeconds: -1 })).message).toMatch(/option --limit seconds/);
  });
});
