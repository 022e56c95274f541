import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor, type DType } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { sharedForListing } from "../support/shared-skip.js";

/**
 * TFLite Micro's SEANet TRANSPOSE_CONV integration tests (int16 activations, int8 per-channel
 * weights, int64 bias, input 0 the run-time output_shape that TFLite Micro ignores): every
 * `transpose_convN.tflite` must reproduce `transpose_convN_golden_int16.csv` exactly through the
 * TypeScript evaluator and through the generated C (built with the sanitizers).
 */

function readCsv(path: string, dtype: DType, shape: readonly number[]): Tensor {
  const values = readFileSync(path, "utf8").split(/[,\s]+/).filter((s) => s !== "").map(Number);
  return Tensor.fromNumbers(dtype, shape, values);
}

describe("SEANet transpose_conv per-layer tests vs their golden CSVs", () => {
  const shared = sharedForListing("the SEANet transpose_conv tests");
  if (shared === undefined) return;
  const dir = join(shared, "models", "tflite", "tflm-seanet", "transpose_conv");
  const cases = readdirSync(dir).filter((f) => f.endsWith(".tflite")).map((f) => f.slice(0, -".tflite".length)).sort();

  it("the corpus has the five cases", () => {
    expect(cases).toEqual(["transpose_conv0", "transpose_conv1", "transpose_conv2", "transpose_conv3", "transpose_conv4"]);
  });

  for (const name of cases) {
    it(`${name}: evaluator and generated C bit-exact`, () => {
      const graph = importModelFile(join(dir, `${name}.tflite`));
      expect(graph.nodes.map((n) => n.op)).toContain("QTransposeConv2D");
      const feeds = graph.inputs.map((inp, i) => {
        const file = readdirSync(dir).find((f) => f.startsWith(`${name}_input${i}_`));
        if (!file) throw new Error(`${name}: no CSV for input ${i}`);
        return readCsv(join(dir, file), inp.dtype, inp.shape);
      });
      const out = graph.outputs[0]!;
      const want = Array.from(readCsv(join(dir, `${name}_golden_int16.csv`), out.dtype, out.shape).toNumbers());
      const [evaluated] = runGraph(graph, feeds);
      expect(Array.from(evaluated!.toNumbers()), `${name} evaluator`).toEqual(want);
      const [compiled] = compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS });
      expect(Array.from(compiled!.toNumbers()), `${name} generated C`).toEqual(want);
      // The golden output must exercise the arithmetic (not a constant or saturated tensor).
      expect(new Set(want).size).toBeGreaterThan(50);
    });
  }
});
