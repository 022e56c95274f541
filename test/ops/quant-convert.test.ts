import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

describe("QQuantize / QDequantize / QRequantize known values", () => {
  it("QQuantize rounds half away from zero, clamps, maps NaN to the zero point", () => {
    const x = Tensor.fromNumbers("float32", [6], [0.25, -0.25, 0.75, 100, -100, Number.NaN]);
    const y = evaluateOne({ op: "QQuantize", inputs: [{ value: x }], attrs: { y_scale: 0.5, y_zero_point: 3, to: "int8" } });
    expect(y.dtype).toBe("int8");
    expect(Array.from(y.toNumbers())).toEqual([4, 2, 5, 127, -128, 3]);
    const y16 = evaluateOne({ op: "QQuantize", inputs: [{ value: x }], attrs: { y_scale: 0.5, to: 5 } });
    expect(Array.from(y16.toNumbers()).slice(0, 5)).toEqual([1, -1, 2, 200, -200]);
  });
  it("QDequantize is scale * (q - zp) in float32", () => {
    const y = evaluateOne({ op: "QDequantize", inputs: [{ value: Tensor.fromNumbers("int8", [3], [-128, 0, 127]) }], attrs: { x_scale: 0.1, x_zero_point: -1 } });
    expect(Array.from(y.toNumbers())).toEqual([-127, 1, 128].map((v) => Math.fround(Math.fround(0.1) * v)));
  });
  it("QRequantize rescales, changes type with `to`, clamps to act_min/act_max (RELU)", () => {
    const x = Tensor.fromNumbers("int16", [4], [-300, -1, 5, 3000]);
    const y = evaluateOne({ op: "QRequantize", inputs: [{ value: x }], attrs: { x_scale: 0.01, y_scale: 0.04, y_zero_point: -10, to: "int8", act_min: -10 } });
    expect(y.dtype).toBe("int8");
    // 5 * 0.25 = 1.25 becomes 2: TFLite rounds twice (2.5 -> 3 in the high multiply, then 1.5 -> 2).
    expect(Array.from(y.toNumbers())).toEqual([-10, -10, -8, 127]);
  });
  it("rejects a float input to QRequantize and a bad `to`", () => {
    expect(() => evaluateOne({ op: "QRequantize", inputs: [{ value: Tensor.fromNumbers("float32", [1], [1]) }], attrs: { x_scale: 1, y_scale: 1 } })).toThrow(/int8 or int16/);
    expect(() => evaluateOne({ op: "QQuantize", inputs: [{ value: Tensor.fromNumbers("float32", [1], [1]) }], attrs: { y_scale: 1, to: "uint8" } })).toThrow(/"to"/);
  });
});

describe("quantize / dequantize / requantize: C equals the evaluator bit for bit", () => {
  it("random values and parameters", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 12; s++) {
      const r = rng(1300 + s);
      const to = s % 2 ? "int16" : "int8";
      const n = randInt(r, 1, 300);
      const floats = Tensor.fromNumbers("float32", [n], Array.from({ length: n }, () => (r() - 0.5) * 20 + (r() < 0.1 ? 0.5 : 0)));
      const zp = to === "int8" ? randInt(r, -128, 127) : randInt(r, -100, 100);
      cases.push({ op: "QQuantize", inputs: [{ value: floats }], attrs: { y_scale: randomScale(r, 0.01, 0.2), y_zero_point: zp, to } });
      cases.push({ op: "QDequantize", inputs: [{ value: randomInts(to, [n], r) }], attrs: { x_scale: randomScale(r), x_zero_point: zp } });
      const from = s % 3 ? "int8" : "int16";
      cases.push({
        op: "QRequantize",
        inputs: [{ value: randomInts(from, [n], r) }],
        attrs: { x_scale: randomScale(r), x_zero_point: from === "int8" ? randInt(r, -128, 127) : 0, y_scale: randomScale(r), y_zero_point: to === "int8" ? randInt(r, -128, 127) : 0, to, ...(s % 4 === 0 ? { act_min: 0 } : {}) },
      });
    }
    expectCEqualsEvaluator(cases);
  });
});
