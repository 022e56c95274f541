import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const all8 = Tensor.fromNumbers("int8", [256], Array.from({ length: 256 }, (_, i) => i - 128));

describe("QLogistic / QTanh / QLeakyRelu known values", () => {
  it("QLogistic tracks the real sigmoid within one output step over the whole int8 range", () => {
    const y = evaluateOne({ op: "QLogistic", inputs: [{ value: all8 }], attrs: { x_scale: 0.05, x_zero_point: 3, y_scale: 1 / 256, y_zero_point: -128 } });
    Array.from(y.toNumbers()).forEach((v, i) => expect(Math.abs((v + 128) / 256 - 1 / (1 + Math.exp(-0.05 * (i - 128 - 3))))).toBeLessThanOrEqual(1 / 256));
  });
  it("QTanh tracks the real tanh within one output step", () => {
    const y = evaluateOne({ op: "QTanh", inputs: [{ value: all8 }], attrs: { x_scale: 0.03, x_zero_point: 0, y_scale: 1 / 128, y_zero_point: 0 } });
    Array.from(y.toNumbers()).forEach((v, i) => expect(Math.abs(v / 128 - Math.tanh(0.03 * (i - 128)))).toBeLessThanOrEqual(1 / 128 + 1e-9));
    expect(() => evaluateOne({ op: "QTanh", inputs: [{ value: all8 }], attrs: { x_scale: 0.03, y_scale: 1 / 256, y_zero_point: -128 } })).toThrow(/y_scale/);
  });
  it("QLeakyRelu: identity above the zero point, alpha below", () => {
    const y = evaluateOne({ op: "QLeakyRelu", inputs: [{ value: Tensor.fromNumbers("int8", [3], [-20, 0, 20]) }], attrs: { alpha: 0.25, x_scale: 0.5, y_scale: 0.5 } });
    expect(Array.from(y.toNumbers())).toEqual([-5, 0, 20]);
  });
});

describe("QLogistic / QTanh / QLeakyRelu: C equals the evaluator bit for bit", () => {
  it("random scales and zero points", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 8; s++) {
      const r = rng(1500 + s);
      const x = { x_scale: randomScale(r, 0.002, 0.5), x_zero_point: randInt(r, -128, 127) };
      cases.push({ op: "QLogistic", inputs: [{ value: all8 }], attrs: { ...x, y_scale: 1 / 256, y_zero_point: -128 } });
      cases.push({ op: "QTanh", inputs: [{ value: all8 }], attrs: { ...x, y_scale: 1 / 128, y_zero_point: 0 } });
      const dtype = s % 2 ? "int16" : "int8";
      cases.push({
        op: "QLeakyRelu",
        inputs: [{ value: randomInts(dtype, [200], r) }],
        attrs: { alpha: Math.fround(r() * 0.5), x_scale: randomScale(r), x_zero_point: dtype === "int8" ? randInt(r, -128, 127) : 0, y_scale: randomScale(r), y_zero_point: dtype === "int8" ? randInt(r, -128, 127) : 0 },
      });
    }
    expectCEqualsEvaluator(cases);
  });
});
