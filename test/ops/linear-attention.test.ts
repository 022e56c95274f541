import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor, type TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const OPSET = 27;
const one = { q_num_heads: 1, kv_num_heads: 1 };

describe("LinearAttention", () => {
  it("linear rule: the state accumulates k v^T and is read by q (hand-checked)", () => {
    // d_k = d_v = 1, scale 1: S1 = 1*3, o1 = 1*3; S2 = 3 + 1*4, o2 = 2*7.
    const [out, state] = interpret("LinearAttention", [{ value: t([1, 2, 1], [1, 2]) }, { value: t([1, 2, 1], [1, 1]) }, { value: t([1, 2, 1], [3, 4]) }], { ...one, update_rule: "linear" }, 2, OPSET);
    expect(values(out)).toEqual([3, 14]);
    expect(values(state)).toEqual([7]);
  });

  it("gated_delta rule: decay, then the delta correction (hand-checked)", () => {
    // S0 = 2, exp(log 0.5) halves it to 1; v' = 0.5 * (3 - 1 * 1) = 1; S = 1 + 1 * 1 = 2; o = 1 * 2.
    const inputs = [{ value: t([1, 1, 1], [1]) }, { value: t([1, 1, 1], [1]) }, { value: t([1, 1, 1], [3]) }, { value: t([1, 1, 1, 1], [2]) }, { value: t([1, 1, 1], [Math.log(0.5)]) }, { value: t([1, 1, 1], [0.5]) }];
    const [out, state] = interpret("LinearAttention", inputs, one, 2, OPSET);
    expect(values(out)[0]).toBeCloseTo(2, 6);
    expect(values(state)[0]).toBeCloseTo(2, 6);
  });

  const r = (shape: number[], seed: number, lo = -1, hi = 1): TestInput => ({ value: randomTensor(shape, seed, lo, hi) });
  const cases: [string, (TestInput | undefined)[], Record<string, number | string>][] = [
    ["gated_delta with grouped queries, past state, per-key decay, erase gate", [r([2, 3, 16], 1), r([2, 3, 8], 2), r([2, 3, 6], 3), r([2, 2, 4, 3], 4), r([2, 3, 8], 5, -1, 0), r([2, 3, 2], 6, 0, 1), r([2, 3, 8], 7, 0, 1)], { q_num_heads: 4, kv_num_heads: 2 }],
    ["gated with per-head decay and an explicit scale", [r([1, 4, 8], 11), r([1, 4, 8], 12), r([1, 4, 8], 13), undefined, r([1, 4, 2], 14, -1, 0)], { q_num_heads: 2, kv_num_heads: 2, update_rule: "gated", scale: 0.5 }],
    ["delta with a shared beta", [r([1, 3, 4], 21), r([1, 3, 4], 22), r([1, 3, 4], 23), undefined, undefined, r([1, 3, 1], 24, 0, 1)], { q_num_heads: 1, kv_num_heads: 1, update_rule: "delta" }],
  ];
  for (const [title, inputs, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("LinearAttention", inputs, attrs, 2, OPSET);
    });
  }

  it("rejects a rule whose gate input is missing", () => {
    expect(() => interpret("LinearAttention", [r([1, 1, 2], 1), r([1, 1, 2], 2), r([1, 1, 2], 3)], { ...one, update_rule: "gated" }, 2, OPSET)).toThrow(
      /node "linearattention_0" \(LinearAttention\): update_rule "gated" requires the decay input/,
    );
  });

  it("rejects q_num_heads that is not a multiple of kv_num_heads", () => {
    expect(() => interpret("LinearAttention", [r([1, 1, 6], 1), r([1, 1, 4], 2), r([1, 1, 4], 3)], { q_num_heads: 3, kv_num_heads: 2, update_rule: "linear" }, 2, OPSET)).toThrow(/q_num_heads 3 must be a positive multiple of kv_num_heads 2/);
  });
});
