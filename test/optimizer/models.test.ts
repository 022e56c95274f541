import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor, type Graph } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { optimizeGraph } from "../../src/egraph/ir/optimize.js";
import { shippedRules } from "../../src/rules/load.js";
import { listOnnxModels, SHARED_ONNX_DIR } from "../models/shared-models.js";
import { compareClose } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/** Imports a model, or undefined when Egret cannot compile it at all (covered by other suites). */
function tryImport(path: string): Graph | undefined {
  try {
    return importModelFile(path, {});
  } catch (e) {
    if (e instanceof EgretError) return undefined;
    throw e;
  }
}

/** The optimized graph computes the same outputs as the imported one (reference interpreter). */
function checkUnchanged(path: string): { checked: boolean; ms: number } {
  const graph = tryImport(path);
  if (graph === undefined || graph.inputs.some((i) => i.dtype !== "float32")) return { checked: false, ms: 0 };
  const { graph: optimized, report } = optimizeGraph(graph, { rules: shippedRules() });
  const feeds = graph.inputs.map((input, i) => randomTensor(input.shape, 100 + i));
  let expected: Tensor[];
  try {
    expected = runGraph(graph, feeds);
  } catch (e) {
    if (e instanceof EgretError) return { checked: false, ms: 0 };
    throw e;
  }
  const actual = runGraph(optimized, feeds);
  expected.forEach((want, i) => {
    const cmp = compareClose(actual[i]!, want);
    expect(cmp.ok, `${path} output ${i}: max abs diff ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
  });
  expect(["saturated", "iteration-limit", "node-limit", "application-limit"]).toContain(report.stopReason);
  return { checked: true, ms: report.saturateMs + report.extractMs };
}

describe("optimizer keeps model outputs unchanged", () => {
  it("on the pytorch-converted conformance models", () => {
    const root = join(requireOnnxTestdata(), "pytorch-converted");
    let checked = 0;
    for (const name of readdirSync(root).sort()) if (checkUnchanged(join(root, name, "model.onnx")).checked) checked++;
    expect(checked).toBeGreaterThan(30);
  });

  it("on ../shared/models/onnx", (ctx) => {
    sharedOrSkip(ctx, "shared ONNX models");
    let checked = 0;
    for (const rel of listOnnxModels(SHARED_ONNX_DIR)) if (checkUnchanged(join(SHARED_ONNX_DIR, rel)).checked) checked++;
    expect(checked).toBeGreaterThan(5);
  });
});
