import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, runGraph, Tensor, type DType } from "../../src/index.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * TFLite Micro's SEANet per-layer integration tests (../shared/models/tflite/tflm-seanet/<op>):
 * each `<case>.tflite` with `<case>_input<i>_<type>.csv` and `<case>_golden_<type>.csv`, run through
 * the TypeScript evaluator, must match the golden exactly. Covers the int16 ADD/SUB/LEAKY_RELU/CONV,
 * the PAD/STRIDED_SLICE cases and QUANTIZE int16<->int32 (transpose_conv has its own test,
 * tflite-seanet-transpose-conv.test.ts, through the evaluator and the C).
 */
const FOLDERS = ["add", "sub", "leaky_relu", "conv", "pad", "strided_slice", "quantize"];

function readCsv(path: string, dtype: DType, shape: readonly number[]): Tensor {
  const values = readFileSync(path, "utf8").split(/[,\s]+/).filter((s) => s !== "").map(Number);
  return Tensor.fromNumbers(dtype, shape, values);
}

describe("SEANet per-layer tests vs their golden CSVs", () => {
  const useShared = sharedFor("the SEANet per-layer tests");
  for (const folder of FOLDERS) {
    it(`${folder}: every case bit-exact`, (ctx) => {
      const shared = useShared(ctx);
      const dir = join(shared, "models", "tflite", "tflm-seanet", folder);
      const cases = readdirSync(dir).filter((f) => /_golden_\w+\.csv$/.test(f)).map((f) => f.replace(/_golden_\w+\.csv$/, "")).sort();
      expect(cases.length).toBeGreaterThan(0);
      for (const name of cases) {
        const graph = importModelFile(join(dir, `${name}.tflite`));
        const feeds = graph.inputs.map((inp, i) => {
          const file = readdirSync(dir).find((f) => f.startsWith(`${name}_input${i}_`));
          if (!file || !existsSync(join(dir, file))) throw new Error(`${name}: no CSV for input ${i}`);
          return readCsv(join(dir, file), inp.dtype, inp.shape);
        });
        const goldenFile = readdirSync(dir).find((f) => f.startsWith(`${name}_golden_`))!;
        const [y] = runGraph(graph, feeds);
        const want = readCsv(join(dir, goldenFile), y!.dtype, y!.shape);
        expect(Array.from(y!.toNumbers()), name).toEqual(Array.from(want.toNumbers()));
      }
    });
  }
});
