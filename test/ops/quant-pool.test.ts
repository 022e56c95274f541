import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, rng, type QNode } from "./quant-support.js";

describe("QAveragePool2D / QMaxPool2D known values", () => {
  const x = Tensor.fromNumbers("int8", [1, 2, 2, 1], [1, 2, 4, -8]);
  it("average rounds half away from zero and ignores padding", () => {
    const avg = evaluateOne({ op: "QAveragePool2D", inputs: [{ value: x }], attrs: { kernel: [2, 2] } });
    expect(Array.from(avg.toNumbers())).toEqual([0]); // -1/4 -> 0
    const padded = evaluateOne({ op: "QAveragePool2D", inputs: [{ value: x }], attrs: { kernel: [2, 2], pads: [1, 1, 0, 0] } });
    expect(Array.from(padded.toNumbers())).toEqual([1, 2, 3, 0]); // windows {1}, {1,2}: 1.5 -> 2, {1,4}: 2.5 -> 3, all: -0.25 -> 0
  });
  it("max takes the largest in-window value, then the act clamp", () => {
    const max = evaluateOne({ op: "QMaxPool2D", inputs: [{ value: x }], attrs: { kernel: [1, 2], act_max: 3 } });
    expect(Array.from(max.toNumbers())).toEqual([2, 3]);
  });
  it("rejects a non-NHWC input and a missing kernel", () => {
    expect(() => evaluateOne({ op: "QMaxPool2D", inputs: [{ value: Tensor.fromNumbers("int8", [4], [1, 2, 3, 4]) }], attrs: { kernel: [1, 1] } })).toThrow(/NHWC/);
    expect(() => evaluateOne({ op: "QMaxPool2D", inputs: [{ value: x }], attrs: {} })).toThrow(/kernel/);
  });
});

describe("QAveragePool2D / QMaxPool2D: C equals the evaluator bit for bit", () => {
  it("random windows, strides, pads, int8 and int16", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 16; s++) {
      const r = rng(700 + s);
      const dtype = s % 4 === 3 ? "int16" : "int8";
      const kh = randInt(r, 1, 3), kw = randInt(r, 1, 3);
      cases.push({
        op: s % 2 ? "QMaxPool2D" : "QAveragePool2D",
        inputs: [{ value: randomInts(dtype, [randInt(r, 1, 2), randInt(r, 3, 8), randInt(r, 3, 8), randInt(r, 1, 5)], r) }],
        attrs: { kernel: [kh, kw], strides: [randInt(r, 1, 2), randInt(r, 1, 2)], pads: [randInt(r, 0, kh - 1), randInt(r, 0, kw - 1), randInt(r, 0, kh - 1), 0], ...(s % 3 === 0 ? { act_min: -50, act_max: 60 } : {}) },
      });
    }
    expectCEqualsEvaluator(cases);
  });
});
