import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importModelFile, Tensor, type DType } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/** QRequantize with an int32 side (TFLite QUANTIZE int16<->int32, int32->int8). */
describe("QRequantize with int32 input or output", () => {
  it("int16 -> int32 scales up without clamping at int16; int32 -> int16 rounds and clamps", () => {
    const up = evaluateOne({ op: "QRequantize", inputs: [{ value: Tensor.fromNumbers("int16", [2], [3, -32768]) }], attrs: { x_scale: 0.5, y_scale: 0.125, to: "int32" } });
    expect(up.dtype).toBe("int32");
    expect(Array.from(up.toNumbers())).toEqual([12, -131072]);
    const down = evaluateOne({ op: "QRequantize", inputs: [{ value: Tensor.fromNumbers("int32", [4], [8, -10, 1_000_000, -1_000_000]) }], attrs: { x_scale: 1, y_scale: 4, to: 5 } });
    expect(down.dtype).toBe("int16");
    expect(Array.from(down.toNumbers())).toEqual([2, -3, 32767, -32768]);
  });

  it("rejects an unknown `to`", () => {
    expect(() => evaluateOne({ op: "QRequantize", inputs: [{ value: Tensor.fromNumbers("int32", [1], [1]) }], attrs: { x_scale: 1, y_scale: 1, to: "int64" } })).toThrow(/"to"/);
  });

  it("C equals the evaluator bit for bit, including full-range int32 and int32 zero-point wrap", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 8; s++) {
      const r = rng(4100 + s);
      const n = randInt(r, 1, 200);
      const narrow = s % 2 ? "int16" : "int8";
      const wide = randomInts("int32", [n], r, -2147483648, 2147483647);
      // Nonzero int32 zero points (never seen in real models) make the wrap-around observable.
      const zp32 = s % 4 === 3 ? randInt(r, -100000, 100000) : 0;
      cases.push({ op: "QRequantize", inputs: [{ value: wide }], attrs: { x_scale: randomScale(r, 1e-7, 1e-3), x_zero_point: zp32, y_scale: randomScale(r), to: narrow } });
      cases.push({ op: "QRequantize", inputs: [{ value: randomInts(narrow, [n], r) }], attrs: { x_scale: randomScale(r), y_scale: randomScale(r, 1e-7, 1e-2), y_zero_point: zp32, to: "int32" } });
    }
    expectCEqualsEvaluator(cases);
  });
});

const useShared = sharedFor("the SEANet QUANTIZE int16<->int32 cases through the generated C");

function readCsv(path: string, dtype: DType, shape: readonly number[]): Tensor {
  return Tensor.fromNumbers(dtype, shape, readFileSync(path, "utf8").split(/[,\s]+/).filter((t) => t !== "").map(Number));
}

describe("SEANet quantize cases through the generated C", () => {
  it("quantize0 (int32 -> int16) and quantize1 (int16 -> int32) match TFLM's golden CSVs", (ctx) => {
    const shared = useShared(ctx);
    const dir = join(shared, "models", "tflite", "tflm-seanet", "quantize");
    for (const name of ["quantize0", "quantize1"]) {
      const graph = importModelFile(join(dir, `${name}.tflite`));
      const files = readdirSync(dir);
      const input = graph.inputs[0]!;
      const x = readCsv(join(dir, files.find((f) => f.startsWith(`${name}_input0_`))!), input.dtype, input.shape);
      const [y] = compileAndRun(graph, [x]);
      const want = readCsv(join(dir, files.find((f) => f.startsWith(`${name}_golden_`))!), y!.dtype, y!.shape);
      expect(Array.from(y!.toNumbers()), name).toEqual(Array.from(want.toNumbers()));
    }
  });
});
