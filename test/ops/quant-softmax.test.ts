import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const out8 = { y_scale: 1 / 256, y_zero_point: -128 };

describe("QSoftmax known values", () => {
  it("equal logits share the probability; outputs track float softmax within one step", () => {
    const y = evaluateOne({ op: "QSoftmax", inputs: [{ value: Tensor.fromNumbers("int8", [1, 4], [5, 5, 5, 5]) }], attrs: { x_scale: 0.1, x_zero_point: 0, ...out8 } });
    expect(Array.from(y.toNumbers())).toEqual([-64, -64, -64, -64]); // 0.25 * 256 - 128
    const x = [-20, 0, 13, 40];
    const z = evaluateOne({ op: "QSoftmax", inputs: [{ value: Tensor.fromNumbers("int8", [4], x) }], attrs: { x_scale: 0.05, beta: 1, ...out8 } });
    const e = x.map((v) => Math.exp(0.05 * (v - 40)));
    const s = e.reduce((a, b) => a + b, 0);
    Array.from(z.toNumbers()).forEach((v, i) => expect(Math.abs((v + 128) / 256 - e[i]! / s)).toBeLessThanOrEqual(1 / 256));
  });
  it("int16 output (y_zero_point -32768) and output-quantization checks", () => {
    const y = evaluateOne({ op: "QSoftmax", inputs: [{ value: Tensor.fromNumbers("int8", [2], [0, 0]) }], attrs: { x_scale: 0.1, y_scale: 1 / 65536, y_zero_point: -32768 } });
    expect(y.dtype).toBe("int16");
    expect(Array.from(y.toNumbers())).toEqual([0, 0]);
    expect(() => evaluateOne({ op: "QSoftmax", inputs: [{ value: Tensor.fromNumbers("int8", [2], [0, 0]) }], attrs: { x_scale: 0.1, y_scale: 0.1, y_zero_point: -128 } })).toThrow(/y_scale 1\/256/);
  });
});

describe("QSoftmax: C equals the evaluator bit for bit", () => {
  it("random rows, scales and betas", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 14; s++) {
      const r = rng(1100 + s);
      const int16Out = s % 5 === 4;
      cases.push({
        op: "QSoftmax",
        inputs: [{ value: randomInts("int8", [randInt(r, 1, 4), randInt(r, 1, 40)], r) }],
        attrs: {
          x_scale: randomScale(r, 0.005, 0.5), x_zero_point: randInt(r, -128, 127), beta: s % 3 === 0 ? 1 : Math.fround(0.2 + 2 * r()),
          ...(int16Out ? { y_scale: 1 / 65536, y_zero_point: -32768 } : out8),
        },
      });
    }
    const outs = expectCEqualsEvaluator(cases);
    expect(new Set(outs.flatMap((o) => Array.from(o.toNumbers()))).size).toBeGreaterThan(50);
  });
});
