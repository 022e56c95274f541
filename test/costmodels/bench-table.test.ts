import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COLUMNS, formatTable, rowCells } from "../../bench/format.js";
import { loadOnnxStatic, PYTORCH_CONVERTED_DIR, type BenchModel } from "../../bench/models.js";
import { detectOptimizer } from "../../bench/optimizer.js";
import { benchTable } from "../../bench/table.js";
import { medianMs } from "../../bench/timing.js";
import { buildGraph, EgretError, importModelFile } from "../../src/index.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { sharedOrSkip } from "../support/shared-skip.js";

const ONCE = { minRuns: 1, maxRuns: 1, budgetMs: 0 };

/** Two small models: a libonnx Conv2d case read from disk and a hand-built Relu -> Reshape -> Relu. */
function twoModels(): BenchModel[] {
  requireOnnxTestdata();
  return [
    { name: "pytorch-converted/test_Conv2d", load: () => loadOnnxStatic(join(PYTORCH_CONVERTED_DIR, "test_Conv2d", "model.onnx")) },
    {
      name: "relu-reshape-relu",
      load: () =>
        buildGraph({
          name: "rrr",
          opset: 17,
          inputs: [{ name: "x", dtype: "float32", dims: ["batch", 6] }],
          outputs: ["z"],
          constants: new Map(),
          nodes: [
            { name: "r1", op: "Relu", inputs: ["x"], outputs: ["y"], attrs: {} },
            { name: "flat", op: "Reshape", inputs: ["y"], outputs: ["y2"], attrs: { shape: [2, 3] } },
            { name: "r2", op: "Relu", inputs: ["y2"], outputs: ["z"], attrs: {} },
          ],
        }, { inputShapes: new Map([["x", [1, 6]]]) }),
    },
  ];
}

describe("bench table", () => {
  it("measures two small models at baseline with every column filled and no optimizer columns", () => {
    const table = benchTable(twoModels(), { optimize: false, timing: ONCE });
    expect(table.skipped).toEqual([]);
    expect(table.rows.map((r) => r.model)).toEqual(["pytorch-converted/test_Conv2d", "relu-reshape-relu"]);
    const [conv, rrr] = table.rows;
    expect(conv!.before.kernelCalls).toBe(1);
    expect(rrr!.before.kernelCalls).toBe(2); // the Reshape is an alias
    for (const row of table.rows) {
      expect(row.before.compileMs).toBeGreaterThanOrEqual(0);
      expect(row.before.cycles).toBeGreaterThan(0);
      expect(row.before.arenaBytes).toBeGreaterThanOrEqual(0);
      expect(row.after).toBeUndefined();
      const cells = rowCells(row);
      expect(Object.keys(cells)).toEqual([...COLUMNS]);
      expect(cells["calls opt"]).toBe("-");
      expect(cells["x cycles"]).toBe("-");
    }
    const text = formatTable(table);
    for (const column of COLUMNS) expect(text).toContain(column);
    expect(text).toContain("2 models");
  });

  it("with the optimizer (when it exists) fills the after columns and their ratios", () => {
    const probe = detectOptimizer();
    const table = benchTable(twoModels(), { optimize: probe.available, timing: ONCE });
    expect(table.rows).toHaveLength(2);
    for (const row of table.rows) {
      if (!probe.available) {
        expect(row.after, probe.note).toBeUndefined();
        continue;
      }
      expect(row.afterError, row.model).toBeUndefined();
      expect(row.after!.kernelCalls).toBeLessThanOrEqual(row.before.kernelCalls);
      expect(row.ratios!.kernelCalls).toBeCloseTo(row.after!.kernelCalls / row.before.kernelCalls, 9);
      expect(row.ratios!.compileMs).toBeGreaterThan(0);
    }
  });

  it("skips a model that fails to import, with its error, and keeps going", () => {
    const broken: BenchModel = {
      name: "broken",
      load: () => {
        throw new EgretError("parse", "model file broken.onnx", "is not a valid ONNX model");
      },
    };
    const table = benchTable([broken, twoModels()[1]!], { optimize: false, timing: ONCE });
    expect(table.rows.map((r) => r.model)).toEqual(["relu-reshape-relu"]);
    expect(table.skipped).toEqual([{ model: "broken", reason: "model file broken.onnx: is not a valid ONNX model" }]);
  });

  it("loadOnnxStatic keeps static input shapes and sets symbolic dimensions to 1", (ctx) => {
    const conv = loadOnnxStatic(join(requireOnnxTestdata(), "pytorch-converted", "test_Conv2d", "model.onnx"));
    expect(conv.inputs[0]!.shape).toEqual([2, 3, 7, 5]);
    const shared = sharedOrSkip(ctx, "the symbolic-batch case of loadOnnxStatic");
    // A Keras export whose batch dimension is the symbol "N".
    const path = join(shared, "models", "onnx", "onnx2c", "test", "simple_networks", "conv_2kernels.onnx");
    expect(() => importModelFile(path)).toThrow(/symbolic \("N"\)/);
    expect(loadOnnxStatic(path).inputs[0]!.shape).toEqual([1, 5, 5, 1]);
  });

  it("medianMs returns the median of its runs and the last result", () => {
    let calls = 0;
    const { ms, result } = medianMs(() => ++calls, { minRuns: 5, maxRuns: 5, budgetMs: 0 });
    expect(calls).toBe(5);
    expect(result).toBe(5);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
