import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor, type TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const OPSET = 27;

describe("CausalConvWithState", () => {
  it("convolves past_state ++ input and carries the last k-1 values (hand-checked)", () => {
    // One channel, k = 3, weight [1, 2, 3], past [10, 20], input [1, 2]:
    // y0 = 10 + 40 + 3 = 53, y1 = 20 + 2 + 6 = 28; present = [1, 2].
    const [y, present] = interpret("CausalConvWithState", [{ value: t([1, 1, 2], [1, 2]) }, { value: t([1, 1, 3], [1, 2, 3]), constant: true }, undefined, { value: t([1, 1, 2], [10, 20]) }], {}, 2, OPSET);
    expect(values(y)).toEqual([53, 28]);
    expect(values(present)).toEqual([1, 2]);
  });

  it("silu applies x * sigmoid(x) after the bias", () => {
    const [y] = interpret("CausalConvWithState", [{ value: t([1, 1, 1], [1]) }, { value: t([1, 1, 1], [2]), constant: true }, { value: t([1], [-1]), constant: true }], { activation: "silu" }, 1, OPSET);
    expect(values(y)[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
  });

  const r = (shape: number[], seed: number, constant = false): TestInput => ({ value: randomTensor(shape, seed, -2, 2), constant });
  const cases: [string, (TestInput | undefined)[], Record<string, string>][] = [
    ["bias, past state and silu", [r([2, 3, 5], 1), r([3, 1, 4], 2, true), r([3], 3, true), r([2, 3, 3], 4)], { activation: "silu" }],
    ["input shorter than the kernel, no past", [r([1, 2, 2], 5), r([2, 1, 5], 6, true)], { activation: "swish" }],
  ];
  for (const [title, inputs, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("CausalConvWithState", inputs, attrs, 2, OPSET);
    });
  }

  it("rejects a weight that is not depthwise", () => {
    expect(() => interpret("CausalConvWithState", [r([1, 2, 4], 1), r([2, 2, 3], 2, true)], {}, 2, OPSET)).toThrow(/node "causalconvwithstate_0" \(CausalConvWithState\): weight must be \[channels, 1, kernel_size\]/);
  });

  it("rejects an unknown activation", () => {
    expect(() => interpret("CausalConvWithState", [r([1, 2, 4], 1), r([2, 1, 3], 2, true)], { activation: "gelu" }, 2, OPSET)).toThrow(/attribute "activation" = "gelu" is not one of/);
  });
});
