import { describe, expect, it } from "vitest";
import { Tensor, type DType } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const t = (dtype: DType, shape: number[], v: number[]) => Tensor.fromNumbers(dtype, shape, v);

describe("QConv2D / QDepthwiseConv2D / QFullyConnected known values", () => {
  it("QConv2D 1x1: (10*1 + 20*2 + bias 6) * 0.5 * 0.25 rounds to 7", () => {
    const y = evaluateOne({
      op: "QConv2D",
      inputs: [{ value: t("int8", [1, 1, 1, 2], [10, 20]) }, { value: t("int8", [1, 1, 1, 2], [1, 2]), constant: true }, { value: t("int32", [1], [6]), constant: true }],
      attrs: { x_scale: 0.5, x_zero_point: 0, w_scale: [0.25], y_scale: 1, y_zero_point: 0 },
    });
    expect(Array.from(y.toNumbers())).toEqual([7]);
  });

  it("QConv2D zero points, padding skip and the act clamp", () => {
    // 1x3 input, 1x3 kernel, pad 1 each side: windows [pad, 1, 2], [1, 2, 3], [2, 3, pad] (x - zp).
    const y = evaluateOne({
      op: "QConv2D",
      inputs: [{ value: t("int8", [1, 1, 3, 1], [6, 7, 8]) }, { value: t("int8", [1, 1, 3, 1], [1, 1, 1]), constant: true }],
      attrs: { x_scale: 1, x_zero_point: 5, w_scale: [1], y_scale: 1, y_zero_point: -1, pads: [0, 1, 0, 1], act_min: -128, act_max: 4 },
    });
    expect(Array.from(y.toNumbers())).toEqual([2, 4, 4]); // 3-1, 6-1 clamped to 4, 5-1
  });

  it("QDepthwiseConv2D with depth multiplier 2 scales each output channel separately", () => {
    const y = evaluateOne({
      op: "QDepthwiseConv2D",
      inputs: [{ value: t("int8", [1, 1, 1, 1], [8]) }, { value: t("int8", [1, 1, 1, 2], [3, -3]), constant: true }],
      attrs: { x_scale: 1, w_scale: [0.5, 0.25], y_scale: 1, depth_multiplier: 2 },
    });
    expect(Array.from(y.toNumbers())).toEqual([12, -6]);
  });

  it("QFullyConnected: per-tensor multiplier from the float32 product, keep_num_dims", () => {
    const y = evaluateOne({
      op: "QFullyConnected",
      inputs: [{ value: t("int8", [1, 2, 2], [1, 2, 3, 4]) }, { value: t("int8", [1, 2], [10, 1]), constant: true }, { value: t("int32", [1], [-4]), constant: true }],
      attrs: { x_scale: 0.5, w_scale: [0.5], y_scale: 1, y_zero_point: 3, keep_num_dims: 1 },
    });
    expect(y.shape).toEqual([1, 2, 1]);
    expect(Array.from(y.toNumbers())).toEqual([5, 11]); // (12 - 4) / 4 + 3; (34 - 4) / 4 = 7.5 rounds to 8, + 3
  });

  it("rejects bad weights, bias types and zero points with the node's name", () => {
    const x = { value: t("int8", [1, 2, 2, 2], [0, 0, 0, 0, 0, 0, 0, 0]) };
    expect(() => evaluateOne({ op: "QConv2D", inputs: [x, { value: t("int16", [1, 1, 1, 2], [1, 1]), constant: true }], attrs: { x_scale: 1, w_scale: [1], y_scale: 1 } }))
      .toThrow(/case_0.*weights must be int8/);
    expect(() => evaluateOne({ op: "QConv2D", inputs: [x, { value: t("int8", [1, 1, 1, 2], [1, 1]), constant: true }, { value: t("int64", [1], [0]), constant: true }], attrs: { x_scale: 1, w_scale: [1], y_scale: 1 } }))
      .toThrow(/bias must be int32/);
    expect(() => evaluateOne({ op: "QConv2D", inputs: [{ value: t("int16", [1, 1, 1, 1], [0]) }, { value: t("int8", [1, 1, 1, 1], [1]), constant: true }], attrs: { x_scale: 1, x_zero_point: 3, w_scale: [1], y_scale: 1 } }))
      .toThrow(/x_zero_point" = 0/);
    expect(() => evaluateOne({ op: "QConv2D", inputs: [x, { value: t("int8", [1, 1, 1, 2], [1, 1]), constant: true }], attrs: { x_scale: 1, w_scale: [1, 2, 3], y_scale: 1 } }))
      .toThrow(/w_scale/);
  });
});

/** A random conv/depthwise/FC case: shapes, strides, pads, per-channel scales, act ranges. */
function randomConvCase(op: "QConv2D" | "QDepthwiseConv2D", dtype: "int8" | "int16", seed: number): QNode {
  const r = rng(seed);
  const h = randInt(r, 5, 9), w = randInt(r, 3, 9), c = randInt(r, 1, 6), kh = randInt(r, 1, 3), kw = randInt(r, 1, 3);
  const groups = op === "QConv2D" && c % 2 === 0 && r() < 0.3 ? 2 : 1;
  const m = op === "QDepthwiseConv2D" ? randInt(r, 1, 3) : 1;
  const o = op === "QDepthwiseConv2D" ? c * m : randInt(r, 1, 5) * groups;
  const wShape = op === "QDepthwiseConv2D" ? [1, kh, kw, c * m] : [o, kh, kw, c / groups];
  const perChannel = r() < 0.7;
  const xs = randomScale(r, 0.005, 0.2);
  const ws = Array.from({ length: perChannel ? o : 1 }, () => randomScale(r, 0.001, 0.05));
  const ys = randomScale(r, 0.01, 0.5) * (dtype === "int16" ? 1 / 256 : 1);
  const zp = (lo: number, hi: number) => (dtype === "int8" ? randInt(r, lo, hi) : 0);
  const biasType = dtype === "int8" ? "int32" : r() < 0.7 ? "int64" : "int32";
  const withBias = r() < 0.8;
  const act = r() < 0.5 ? { act_min: dtype === "int8" ? randInt(r, -128, -20) : -20000, act_max: dtype === "int8" ? randInt(r, 20, 127) : 20000 } : {};
  return {
    op,
    inputs: [
      { value: randomInts(dtype, [randInt(r, 1, 2), h, w, c], r) },
      { value: randomInts("int8", wShape, r, -127, 127), constant: true },
      withBias ? { value: randomInts(biasType, [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: xs, x_zero_point: zp(-128, 127), w_scale: ws, y_scale: ys, y_zero_point: zp(-128, 127),
      strides: [randInt(r, 1, 2), randInt(r, 1, 2)], dilations: [randInt(r, 1, 2), 1],
      pads: [randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1)],
      ...(op === "QDepthwiseConv2D" ? { depth_multiplier: m } : {}), ...act,
    },
  };
}

function randomFcCase(dtype: "int8" | "int16", seed: number): QNode {
  const r = rng(seed);
  const k = randInt(r, 1, 40), o = randInt(r, 1, 12), rows = randInt(r, 1, 3);
  const perChannel = r() < 0.5;
  return {
    op: "QFullyConnected",
    inputs: [
      { value: randomInts(dtype, [rows, k], r) },
      { value: randomInts("int8", [o, k], r, -127, 127), constant: true },
      r() < 0.8 ? { value: randomInts(dtype === "int8" ? "int32" : "int64", [o], r), constant: true } : undefined,
    ],
    attrs: {
      x_scale: randomScale(r, 0.005, 0.2), x_zero_point: dtype === "int8" ? randInt(r, -128, 127) : 0,
      w_scale: Array.from({ length: perChannel ? o : 1 }, () => randomScale(r, 0.001, 0.05)),
      y_scale: randomScale(r, 0.01, 0.5) * (dtype === "int16" ? 1 / 256 : 1), y_zero_point: dtype === "int8" ? randInt(r, -128, 127) : 0,
    },
  };
}

describe("QConv2D / QDepthwiseConv2D / QFullyConnected: C equals the evaluator bit for bit", () => {
  it("int8 and int16 (16x8) random cases in one build", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 12; s++) cases.push(randomConvCase("QConv2D", "int8", 100 + s));
    for (let s = 0; s < 12; s++) cases.push(randomConvCase("QDepthwiseConv2D", "int8", 200 + s));
    for (let s = 0; s < 6; s++) cases.push(randomConvCase("QConv2D", "int16", 300 + s));
    for (let s = 0; s < 6; s++) cases.push(randomConvCase("QDepthwiseConv2D", "int16", 400 + s));
    for (let s = 0; s < 8; s++) cases.push(randomFcCase("int8", 500 + s));
    for (let s = 0; s < 4; s++) cases.push(randomFcCase("int16", 600 + s));
    const outs = expectCEqualsEvaluator(cases);
    // The cases must exercise the arithmetic, not just saturate.
    const distinct = new Set(outs.flatMap((o) => Array.from(o.toNumbers())));
    expect(distinct.size).toBeGreaterThan(100);
  });
});
