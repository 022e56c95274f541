import { describe, expect, it } from "vitest";
import { Tensor, type DType } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const t = (dtype: DType, shape: number[], v: number[]) => Tensor.fromNumbers(dtype, shape, v);

describe("QTransposeConv2D known values", () => {
  it("scatters each input through the filter, adds the bias and requantizes", () => {
    // x - zp = [1, 2] through taps [1, 3] with stride 1: [1, 1*3 + 2*1, 2*3] = [1, 5, 6];
    // + bias 10 = [11, 15, 16]; * 0.5 rounds half away: [6, 8, 8]; + y zero point -1.
    const y = evaluateOne({
      op: "QTransposeConv2D",
      inputs: [{ value: t("int8", [1, 1, 2, 1], [2, 3]) }, { value: t("int8", [1, 1, 2, 1], [1, 3]), constant: true }, { value: t("int32", [1], [10]), constant: true }],
      attrs: { x_scale: 1, x_zero_point: 1, w_scale: [1], y_scale: 2, y_zero_point: -1, strides: [1, 1], output_shape: [1, 1, 3, 1] },
    });
    expect(Array.from(y.toNumbers())).toEqual([5, 7, 7]);
  });

  it("stride 2 with a top/left pad drops the taps that land outside the output", () => {
    // int16, 1x2 input [4, 5], taps [1, 2, 3], stride 2, pad left 1: positions -1..1 and 1..3;
    // out[0] = 4*2, out[1] = 4*3 + 5*1, out[2] = 5*2, out[3] = 5*3 (x6 channel scale 2: doubled).
    const y = evaluateOne({
      op: "QTransposeConv2D",
      inputs: [{ value: t("int16", [1, 1, 2, 1], [4, 5]) }, { value: t("int8", [1, 1, 3, 1], [1, 2, 3]), constant: true }],
      attrs: { x_scale: 1, w_scale: [2], y_scale: 1, strides: [1, 2], pads: [0, 1], output_shape: [1, 1, 4, 1] },
    });
    expect(Array.from(y.toNumbers())).toEqual([16, 34, 20, 30]);
  });

  it("rejects a mismatched output_shape, a wrong bias type and a missing output_shape", () => {
    const x = { value: t("int8", [1, 1, 2, 1], [0, 0]) };
    const w = { value: t("int8", [2, 1, 2, 1], [1, 1, 1, 1]), constant: true };
    const q = { x_scale: 1, w_scale: [1], y_scale: 1 };
    expect(() => evaluateOne({ op: "QTransposeConv2D", inputs: [x, w], attrs: { ...q, output_shape: [1, 1, 3, 3] } }))
      .toThrow(/case_0.*output_shape.*2 output channels/);
    expect(() => evaluateOne({ op: "QTransposeConv2D", inputs: [x, w, { value: t("int64", [2], [0, 0]), constant: true }], attrs: { ...q, output_shape: [1, 1, 3, 2] } }))
      .toThrow(/bias must be int32/);
    expect(() => evaluateOne({ op: "QTransposeConv2D", inputs: [x, w], attrs: q })).toThrow(/output_shape/);
  });
});

/** A random transposed convolution: output sizes from full to cropped to padded, per-channel scales. */
function randomCase(dtype: "int8" | "int16", seed: number): QNode {
  const r = rng(seed);
  const n = randInt(r, 1, 2), h = randInt(r, 1, 4), w = randInt(r, 1, 5), c = randInt(r, 1, 5), o = randInt(r, 1, 5);
  const kh = randInt(r, 1, 3), kw = randInt(r, 1, 4), sh = randInt(r, 1, 2), sw = randInt(r, 1, 3);
  const pads = [randInt(r, 0, 1), randInt(r, 0, 2)];
  const oh = Math.max(1, (h - 1) * sh + kh - pads[0]! + randInt(r, -1, 1));
  const ow = Math.max(1, (w - 1) * sw + kw - pads[1]! + randInt(r, -1, 1));
  const zp = () => (dtype === "int8" ? randInt(r, -128, 127) : 0);
  const act = r() < 0.4 ? { act_min: dtype === "int8" ? randInt(r, -128, -10) : -20000, act_max: dtype === "int8" ? randInt(r, 10, 127) : 20000 } : {};
  return {
    op: "QTransposeConv2D",
    inputs: [
      { value: randomInts(dtype, [n, h, w, c], r) },
      { value: randomInts("int8", [o, kh, kw, c], r, -127, 127), constant: true },
      r() < 0.8 ? { value: randomInts(dtype === "int8" ? "int32" : "int64", [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), x_zero_point: zp(),
      w_scale: Array.from({ length: r() < 0.7 ? o : 1 }, () => randomScale(r, 0.001, 0.05)),
      y_scale: randomScale(r, 0.01, 0.5) * (dtype === "int16" ? 1 / 256 : 1), y_zero_point: zp(),
      strides: [sh, sw], pads, output_shape: [n, oh, ow, o], ...act,
    },
  };
}

describe("QTransposeConv2D: C equals the evaluator bit for bit", () => {
  it("int8 (int32 bias) and 16x8 (int64 bias) random cases in one build", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 14; s++) cases.push(randomCase("int8", 700 + s));
    for (let s = 0; s < 10; s++) cases.push(randomCase("int16", 800 + s));
    const outs = expectCEqualsEvaluator(cases);
    const distinct = new Set(outs.flatMap((y) => Array.from(y.toNumbers())));
    expect(distinct.size).toBeGreaterThan(100);
  });
});
