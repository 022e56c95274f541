import { describe, expect, it } from "vitest";
import { buildGraph, Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);

describe("BatchNormalization", () => {
  it("normalises per channel with known values (spec example)", () => {
    const x = t([1, 2, 1, 3], [-1, 0, 1, 2, 3, 4]);
    const [y] = interpret("BatchNormalization", [
      { value: x },
      { value: t([2], [1, 1.5]), constant: true },
      { value: t([2], [0, 1]), constant: true },
      { value: t([2], [0, 3]), constant: true },
      { value: t([2], [1, 1.5]), constant: true },
    ]);
    const k = 1.5 / Math.sqrt(1.5 + 1e-5);
    const want = [-1 / Math.sqrt(1 + 1e-5), 0, 1 / Math.sqrt(1 + 1e-5), -k + 1, 1, k + 1];
    values(y).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it("C matches the interpreter (rank 4 and rank 2 inputs, custom epsilon)", () => {
    const params = (c: number, seed: number) => [
      { value: randomTensor([c], seed), constant: true },
      { value: randomTensor([c], seed + 1), constant: true },
      { value: randomTensor([c], seed + 2), constant: true },
      { value: randomTensor([c], seed + 3, 0.1, 2), constant: true },
    ];
    expectCMatchesInterpreter("BatchNormalization", [{ value: randomTensor([2, 3, 4, 5], 1) }, ...params(3, 10)], { epsilon: 1e-3 });
    expectCMatchesInterpreter("BatchNormalization", [{ value: randomTensor([4, 6], 2) }, ...params(6, 20)], {}, 1, 7);
  });

  it("training_mode = 1 normalises with the batch statistics and updates the running ones (values by hand)", () => {
    // Channel 0 holds 1, 3 (mean 2, biased variance 1); channel 1 holds 4, 6 (mean 5, variance 1).
    const x = { value: t([2, 2, 1], [1, 4, 3, 6]) };
    const c = (v: number[]) => ({ value: t([2], v), constant: true });
    const [y, mean, variance] = interpret("BatchNormalization", [x, c([2, 1]), c([0.5, 0]), c([10, 20]), c([3, 5])], { training_mode: 1, epsilon: 0, momentum: 0.75 }, 3, 15);
    expect(values(y)).toEqual([-1.5, -1, 2.5, 1]);
    expect(values(mean)).toEqual([8, 16.25]);
    expect(values(variance)).toEqual([2.5, 4]);
  });

  it("training_mode = 1: the C matches the interpreter (all three outputs) and the import warns", () => {
    const p = (seed: number, lo = -1) => ({ value: randomTensor([3], seed, lo, 2), constant: true });
    expectCMatchesInterpreter("BatchNormalization", [{ value: randomTensor([2, 3, 4, 5], 8) }, p(1), p(2), p(3), p(4, 0.1)], { training_mode: 1, epsilon: 1e-3 }, 3, 15);
    const warnings: string[] = [];
    buildGraph(
      {
        name: "bn", opset: 15, inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 3] }], outputs: ["y"],
        constants: new Map(["s", "b", "m", "v"].map((n) => [n, t([2], [1, 1])])),
        nodes: ["bn1", "bn2"].map((name, i) => ({ name, op: "BatchNormalization", inputs: [i ? "y0" : "x", "s", "b", "m", "v"], outputs: [i ? "y" : "y0"], attrs: { training_mode: 1 } })),
      },
      { warn: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([expect.stringMatching(/^WARNING: the model was exported in training mode: .* \(nodes "bn1", "bn2"\)$/)]);
  });

  it("rejects per-channel parameters of the wrong length", () => {
    const p = { value: randomTensor([3], 3), constant: true };
    expect(() => interpret("BatchNormalization", [{ value: randomTensor([1, 2, 3], 1) }, p, p, p, p])).toThrow(/scale must have shape 2/);
  });
});

describe("InstanceNormalization", () => {
  it("normalises each plane to zero mean and unit variance", () => {
    const [y] = interpret("InstanceNormalization", [{ value: t([1, 1, 4], [1, 2, 3, 4]) }, { value: t([1], [1]), constant: true }, { value: t([1], [0]), constant: true }], { epsilon: 0 });
    const sd = Math.sqrt(1.25);
    values(y).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 2.5) / sd, 5));
  });

  it("C matches the interpreter", () => {
    expectCMatchesInterpreter("InstanceNormalization", [{ value: randomTensor([2, 3, 5, 4], 4) }, { value: randomTensor([3], 5), constant: true }, { value: randomTensor([3], 6), constant: true }], { epsilon: 1e-2 });
  });
});

describe("LRN", () => {
  it("divides by the local channel energy", () => {
    const [y] = interpret("LRN", [{ value: t([1, 2, 1, 1], [1, 2]) }], { size: 3, alpha: 3, beta: 1, bias: 1 });
    // Both channels see 1 + 2^2 = 5: y = x / (1 + 3/3 * 5).
    expect(values(y)).toEqual([1 / 6, 2 / 6].map((v) => Math.fround(v)));
  });

  it("C matches the interpreter for odd and even sizes", () => {
    expectCMatchesInterpreter("LRN", [{ value: randomTensor([2, 7, 3, 3], 7) }], { size: 3, alpha: 0.01, beta: 0.6, bias: 2 });
    expectCMatchesInterpreter("LRN", [{ value: randomTensor([1, 5, 4, 2], 8) }], { size: 4 });
  });

  it("rejects a missing size", () => {
    expect(() => interpret("LRN", [{ value: randomTensor([1, 2, 3, 3], 1) }])).toThrow(/node "lrn_0" \(LRN\).*"size"/);
  });
});

describe("LayerNormalization", () => {
  it("normalises each row and returns mean and 1/stddev", () => {
    const [y, mean, inv] = interpret("LayerNormalization", [{ value: t([2, 2], [1, 3, 0, 4]) }, { value: t([2], [1, 1]), constant: true }], { epsilon: 0 }, 3);
    expect(values(y)).toEqual([-1, 1, -1, 1]);
    expect(mean!.shape).toEqual([2, 1]);
    expect(values(mean)).toEqual([2, 2]);
    expect(values(inv)).toEqual([1, 0.5]);
  });

  it("C matches the interpreter for axis 1 of a 3-D input with all outputs", () => {
    expectCMatchesInterpreter("LayerNormalization", [{ value: randomTensor([2, 3, 4], 40) }, { value: randomTensor([3, 4], 41), constant: true }, { value: randomTensor([3, 4], 42), constant: true }], { axis: 1, epsilon: 1e-3 }, 3);
  });

  it("rejects a scale that does not match the normalised dims", () => {
    expect(() => interpret("LayerNormalization", [{ value: randomTensor([2, 3, 4], 1) }, { value: randomTensor([3], 2), constant: true }])).toThrow(/node "layernormalization_0" \(LayerNormalization\).*normalised dims/);
  });
});
