import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { evaluateOne, expectCEqualsEvaluator, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

const q = (scale: number, zp: number, p: string) => ({ [`${p}_scale`]: scale, [`${p}_zero_point`]: zp });

describe("QAdd / QSub / QMul known values", () => {
  const a = Tensor.fromNumbers("int8", [3], [10, -20, 100]);
  const b = Tensor.fromNumbers("int8", [1], [4]);
  it("QAdd with equal scales adds the real values (broadcast b)", () => {
    const y = evaluateOne({ op: "QAdd", inputs: [{ value: a }, { value: b }], attrs: { ...q(0.5, 0, "a"), ...q(0.5, 0, "b"), ...q(0.5, 0, "y") } });
    expect(Array.from(y.toNumbers())).toEqual([14, -16, 104]);
  });
  it("QSub honours zero points and saturates", () => {
    const y = evaluateOne({ op: "QSub", inputs: [{ value: a }, { value: b }], attrs: { ...q(1, 2, "a"), ...q(1, -4, "b"), ...q(0.5, 0, "y") } });
    expect(Array.from(y.toNumbers())).toEqual([0, -60, 127]); // ((10 - 2) - (4 + 4)) * 2, ((-20 - 2) - 8) * 2, saturated
  });
  it("QMul multiplies real values", () => {
    const y = evaluateOne({ op: "QMul", inputs: [{ value: a }, { value: b }], attrs: { ...q(0.5, 0, "a"), ...q(0.25, 0, "b"), ...q(0.125, 0, "y") } });
    expect(Array.from(y.toNumbers())).toEqual([40, -80, 127]);
  });
  it("rejects mixed input types and shapes that do not broadcast", () => {
    const attrs = { ...q(1, 0, "a"), ...q(1, 0, "b"), ...q(1, 0, "y") };
    expect(() => evaluateOne({ op: "QAdd", inputs: [{ value: a }, { value: Tensor.fromNumbers("int16", [1], [1]) }], attrs })).toThrow(/same type/);
    expect(() => evaluateOne({ op: "QAdd", inputs: [{ value: a }, { value: Tensor.fromNumbers("int8", [2], [1, 1]) }], attrs })).toThrow(/broadcast/);
  });
});

describe("QAdd / QSub / QMul: C equals the evaluator bit for bit", () => {
  it("random broadcasts and quantization, int8 and int16", () => {
    const cases: QNode[] = [];
    const ops = ["QAdd", "QSub", "QMul"];
    for (let s = 0; s < 24; s++) {
      const r = rng(900 + s);
      const dtype = s % 3 === 2 ? "int16" : "int8";
      const shape = [randInt(r, 1, 2), randInt(r, 1, 4), randInt(r, 1, 5), randInt(r, 1, 6)];
      const bShape = shape.map((d) => (r() < 0.4 ? 1 : d)).slice(randInt(r, 0, 2));
      const zp = () => (dtype === "int8" ? randInt(r, -100, 100) : 0);
      const yScale = s % 3 === 2 && ops[s % 3] === "QMul" ? randomScale(r, 0.01, 0.5) : randomScale(r, 0.02, 0.5);
      cases.push({
        op: ops[s % 3]!,
        inputs: [{ value: randomInts(dtype, shape, r) }, { value: randomInts(dtype, bShape, r), constant: s % 4 === 0 }],
        attrs: {
          ...q(randomScale(r, 0.01, 0.5), zp(), "a"), ...q(randomScale(r, 0.01, 0.5), zp(), "b"),
          ...q(ops[s % 3] === "QMul" ? yScale * (dtype === "int16" ? 1000 : 20) : yScale, zp(), "y"),
          ...(s % 5 === 0 ? { act_min: dtype === "int8" ? -100 : -1000, act_max: dtype === "int8" ? 90 : 3000 } : {}),
        },
      });
    }
    const outs = expectCEqualsEvaluator(cases);
    expect(new Set(outs.flatMap((o) => Array.from(o.toNumbers()))).size).toBeGreaterThan(200);
  });
});
