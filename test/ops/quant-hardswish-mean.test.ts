import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { rdbpot16 } from "../../src/ir/ops/quant/hard-swish.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const hardSwish = (v: number) => (v * Math.min(6, Math.max(0, v + 3))) / 6;

describe("QHardSwish (int8)", () => {
  it("follows the real hard-swish within one output step over the whole int8 range", () => {
    // Independent reference: dequantize, the float formula, requantize (TFLite's tests allow about
    // one step of error for this 16-bit fixed-point kernel).
    for (const [xs, xz, ys, yz] of [[0.05, -10, 0.03, -60], [0.1, 0, 0.05, -30], [0.02, 40, 0.01, -90]] as const) {
      const x = Tensor.fromNumbers("int8", [256], Array.from({ length: 256 }, (_, i) => i - 128));
      const y = evaluateOne({ op: "QHardSwish", inputs: [{ value: x }], attrs: { x_scale: xs, x_zero_point: xz, y_scale: ys, y_zero_point: yz } });
      const got = y.toNumbers();
      let worst = 0;
      x.toNumbers().forEach((q, i) => {
        const want = Math.min(127, Math.max(-128, Math.round(hardSwish(xs * (q - xz)) / ys) + yz));
        worst = Math.max(worst, Math.abs(got[i]! - want));
      });
      expect(worst, `scales ${xs}/${ys}`).toBeLessThanOrEqual(1);
    }
  });

  it("gemmlowp's int16 RoundingDivideByPOT, including exponents past 15 where the mask is -1", () => {
    expect([rdbpot16(5, 1), rdbpot16(-5, 1), rdbpot16(6, 2), rdbpot16(-6, 2), rdbpot16(7, 0)]).toEqual([3, -3, 2, -2, 7]);
    // exponent 16: mask int16(0xffff) = -1, threshold -1 (+1 if negative), x >> 16 is 0 or -1.
    expect([rdbpot16(100, 16), rdbpot16(0, 16), rdbpot16(-100, 16)]).toEqual([1, 1, -1]);
  });

  it("rejects int16 input and an output scale below x_scale / 128", () => {
    expect(() => evaluateOne({ op: "QHardSwish", inputs: [{ value: Tensor.fromNumbers("int16", [1], [0]) }], attrs: { x_scale: 1, y_scale: 1 } }))
      .toThrow(/case_0.*int8/);
    expect(() => evaluateOne({ op: "QHardSwish", inputs: [{ value: Tensor.fromNumbers("int8", [1], [0]) }], attrs: { x_scale: 1, y_scale: 0.001 } }))
      .toThrow(/output_multiplier_exponent/);
  });
});

describe("QMean (int8)", () => {
  it("rounds the exact mean half away from zero with identity scales", () => {
    const run = (shape: number[], v: number[], axes: number[], keepdims: number) =>
      evaluateOne({ op: "QMean", inputs: [{ value: Tensor.fromNumbers("int8", shape, v) }], attrs: { axes, keepdims, x_scale: 0.5, y_scale: 0.5 } });
    const a = run([1, 2, 2, 1], [1, 2, 3, 4], [1, 2], 1); // 2.5 -> 3
    expect(a.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(a.toNumbers())).toEqual([3]);
    const b = run([2, 3], [1, 2, 4, -1, -2, -4], [-1, 1], 0); // 7/3 -> 2, -7/3 -> -2
    expect(b.shape).toEqual([2]);
    expect(Array.from(b.toNumbers())).toEqual([2, -2]);
  });

  it("stays within one output step of the real mean on random data and parameters", () => {
    const r = rng(41);
    for (let k = 0; k < 20; k++) {
      const shape = [randInt(r, 1, 3), randInt(r, 1, 6), randInt(r, 1, 6), randInt(r, 1, 4)];
      const axes = [[1, 2], [3], [0, 1, 2, 3], [-3]][k % 4]!;
      const xs = randomScale(r, 0.01, 0.2), ys = randomScale(r, 0.01, 0.2), xz = randInt(r, -50, 50), yz = randInt(r, -50, 50);
      const x = randomInts("int8", shape, r);
      const y = evaluateOne({ op: "QMean", inputs: [{ value: x }], attrs: { axes, keepdims: 1, x_scale: xs, x_zero_point: xz, y_scale: ys, y_zero_point: yz } });
      // Float reference over the same reduction.
      const reduced = shape.map((_, i) => axes.some((a) => (a + 4) % 4 === i));
      const sums = new Map<number, { s: number; n: number }>();
      const strides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
      const outShape = shape.map((d, i) => (reduced[i] ? 1 : d));
      const outStrides = [outShape[1]! * outShape[2]! * outShape[3]!, outShape[2]! * outShape[3]!, outShape[3]!, 1];
      x.toNumbers().forEach((q, i) => {
        let o = 0;
        for (let d = 0; d < 4; d++) if (!reduced[d]) o += (Math.floor(i / strides[d]!) % shape[d]!) * outStrides[d]!;
        const e = sums.get(o) ?? { s: 0, n: 0 };
        sums.set(o, { s: e.s + xs * (q - xz), n: e.n + 1 });
      });
      const got = y.toNumbers();
      for (const [o, { s, n }] of sums) {
        const want = Math.min(127, Math.max(-128, Math.round(s / n / ys) + yz));
        expect(Math.abs(got[o]! - want), `case ${k} output ${o}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("rejects out-of-range axes and non-int8 input", () => {
    const x = { value: Tensor.fromNumbers("int8", [2, 2], [0, 0, 0, 0]) };
    expect(() => evaluateOne({ op: "QMean", inputs: [x], attrs: { axes: [2], x_scale: 1, y_scale: 1 } })).toThrow(/case_0.*axis 2/);
    expect(() => evaluateOne({ op: "QMean", inputs: [{ value: Tensor.fromNumbers("int16", [2], [0, 0]) }], attrs: { axes: [0], x_scale: 1, y_scale: 1 } })).toThrow(/int8/);
  });
});

function hardSwishCase(seed: number): QNode {
  const r = rng(seed);
  // Input scales from tiny to large (reluish exponent negative to positive), outputs above x/128.
  const xs = randomScale(r, 1e-3, 2);
  return {
    op: "QHardSwish",
    inputs: [{ value: randomInts("int8", [randInt(r, 1, 3), randInt(r, 20, 60)], r) }],
    attrs: { x_scale: xs, x_zero_point: randInt(r, -128, 127), y_scale: Math.fround(xs * (0.01 + 2 * r())), y_zero_point: randInt(r, -128, 127) },
  };
}

function meanCase(seed: number): QNode {
  const r = rng(seed);
  const rank = randInt(r, 1, 5);
  const shape = Array.from({ length: rank }, () => randInt(r, 1, 5));
  const axes = shape.map((_, i) => i).filter(() => r() < 0.5).map((a) => (r() < 0.3 ? a - rank : a));
  return {
    op: "QMean",
    inputs: [{ value: randomInts("int8", shape, r) }],
    attrs: {
      axes: axes.length > 0 ? axes : [0], keepdims: r() < 0.5 ? 1 : 0,
      x_scale: randomScale(r, 0.005, 0.5), x_zero_point: randInt(r, -128, 127), y_scale: randomScale(r, 0.005, 0.5), y_zero_point: randInt(r, -128, 127),
    },
  };
}

describe("QHardSwish / QMean: C equals the evaluator bit for bit", () => {
  it("random parameters in one build", () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 16; s++) cases.push(hardSwishCase(900 + s));
    for (let s = 0; s < 16; s++) cases.push(meanCase(1000 + s));
    const outs = expectCEqualsEvaluator(cases);
    const distinct = new Set(outs.flatMap((y) => Array.from(y.toNumbers())));
    expect(distinct.size).toBeGreaterThan(100);
  });
});
