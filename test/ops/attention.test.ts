import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor, type TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const OPSET = 24;

describe("Attention", () => {
  it("computes one query over two keys by hand", () => {
    // q . k = [1, 0], scale 1/sqrt(2): weights softmax([1/sqrt2, 0]); y = w0 * 1 + w1 * 3.
    const [y] = interpret("Attention", [{ value: t([1, 1, 1, 2], [1, 0]) }, { value: t([1, 1, 2, 2], [1, 0, 0, 1]) }, { value: t([1, 1, 2, 1], [1, 3]) }], {}, 1, OPSET);
    const e = Math.exp(1 / Math.SQRT2);
    expect(values(y)[0]).toBeCloseTo((e * 1 + 1 * 3) / (e + 1), 6);
  });

  it("is_causal lets the first query see only the first key", () => {
    const [y] = interpret("Attention", [{ value: t([1, 1, 2, 1], [1, 1]) }, { value: t([1, 1, 2, 1], [1, 1]) }, { value: t([1, 1, 2, 1], [5, 7]) }], { is_causal: 1 }, 1, OPSET);
    expect(values(y)[0]).toBeCloseTo(5, 6);
    expect(values(y)[1]).toBeCloseTo(6, 6);
  });

  it("a fully masked row gives zeros, not NaN", () => {
    const mask = { value: Tensor.fromNumbers("bool", [2, 2], [0, 0, 1, 1]) };
    const [y] = interpret("Attention", [{ value: randomTensor([1, 1, 2, 3], 1) }, { value: randomTensor([1, 1, 2, 3], 2) }, { value: randomTensor([1, 1, 2, 3], 3) }, mask], {}, 1, OPSET);
    expect(values(y).slice(0, 3)).toEqual([0, 0, 0]);
    expect(values(y).slice(3).every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
  });

  const r = (shape: number[], seed: number): TestInput => ({ value: randomTensor(shape, seed, -2, 2) });
  const cases: [string, (TestInput | undefined)[], Record<string, number>, number][] = [
    ["3-D grouped-query heads with past and present", [r([2, 3, 24], 10), r([2, 2, 8], 11), r([2, 2, 10], 12), r([3, 5], 13), r([2, 2, 3, 4], 14), r([2, 2, 3, 5], 15)], { q_num_heads: 6, kv_num_heads: 2 }, 3],
    [
      "causal with nonpad_kv_seqlen and a bool 4-D mask",
      [r([2, 2, 3, 4], 20), r([2, 2, 5, 4], 21), r([2, 2, 5, 4], 22), { value: Tensor.fromNumbers("bool", [2, 1, 3, 5], Array.from({ length: 30 }, (_, i) => (i % 4 === 3 ? 0 : 1))) }, undefined, undefined, { value: Tensor.fromNumbers("int64", [2], [5, 4]) }],
      { is_causal: 1 },
      1,
    ],
    ["softcap, scale and qk_matmul_output after the bias", [r([1, 2, 3, 4], 30), r([1, 2, 4, 4], 31), r([1, 2, 4, 4], 32), r([3, 4], 33)], { softcap: 1.5, scale: 0.3, qk_matmul_output_mode: 2 }, 4],
    ["qk_matmul_output after softmax, causal with past", [r([1, 1, 2, 4], 40), r([1, 1, 2, 4], 41), r([1, 1, 2, 4], 42), undefined, r([1, 1, 3, 4], 43), r([1, 1, 3, 4], 44)], { is_causal: 1, qk_matmul_output_mode: 3 }, 4],
  ];
  for (const [title, inputs, attrs, outputs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("Attention", inputs, attrs, outputs, OPSET);
    });
  }

  it("rejects query heads that are not a multiple of the key/value heads", () => {
    expect(() => interpret("Attention", [r([1, 3, 2, 4], 1), r([1, 2, 2, 4], 2), r([1, 2, 2, 4], 3)], {}, 1, OPSET)).toThrow(/node "attention_0" \(Attention\): the query heads \(3\) must be a multiple of the key\/value heads \(2\)/);
  });

  it("rejects 3-D inputs without the head counts", () => {
    expect(() => interpret("Attention", [r([1, 2, 8], 1), r([1, 2, 8], 2), r([1, 2, 8], 3)], {}, 1, OPSET)).toThrow(/need the q_num_heads and kv_num_heads attributes/);
  });

  it("rejects a mask that does not broadcast", () => {
    expect(() => interpret("Attention", [r([1, 1, 2, 4], 1), r([1, 1, 3, 4], 2), r([1, 1, 3, 4], 3), r([3, 3], 4)], {}, 1, OPSET)).toThrow(/attn_mask 3x3 does not broadcast/);
  });
});
