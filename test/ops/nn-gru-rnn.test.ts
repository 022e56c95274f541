import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor, type TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);

/** X, W, R (+ optional B, sequence_lens, initial_h) for a GRU (gates 3) or RNN (gates 1). */
function recurrentInputs(gates: number, seq: number, batch: number, input: number, hidden: number, dirs: number, extras: { bias?: boolean; seqLens?: number[]; initial?: boolean; layout?: number } = {}): (TestInput | undefined)[] {
  const xShape = extras.layout === 1 ? [batch, seq, input] : [seq, batch, input];
  const stateShape = extras.layout === 1 ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return [
    { value: randomTensor(xShape, 61, -2, 2) },
    { value: randomTensor([dirs, gates * hidden, input], 62), constant: true },
    { value: randomTensor([dirs, gates * hidden, hidden], 63), constant: true },
    extras.bias ? { value: randomTensor([dirs, 2 * gates * hidden], 64), constant: true } : undefined,
    extras.seqLens ? { value: Tensor.fromNumbers("int32", [batch], extras.seqLens) } : undefined,
    extras.initial ? { value: randomTensor(stateShape, 65) } : undefined,
  ];
}

type Attrs = Record<string, number | string | string[] | number[]>;

describe("GRU", () => {
  it("computes one step of a 1-unit GRU by hand", () => {
    // W = 0.5 for z, r and h; R = 0; no bias; x = 2: every pre-activation is 1 and h0 = 0.
    const [y, yh] = interpret("GRU", [{ value: t([1, 1, 1], [2]) }, { value: t([1, 3, 1], [0.5, 0.5, 0.5]), constant: true }, { value: t([1, 3, 1], [0, 0, 0]), constant: true }], { hidden_size: 1 }, 2);
    const h = (1 - sigmoid(1)) * Math.tanh(1);
    expect(values(y)[0]).toBeCloseTo(h, 6);
    expect(values(yh)[0]).toBeCloseTo(h, 6);
  });

  it("linear_before_reset applies the reset gate after the recurrent product", () => {
    // One unit, two steps, x = [1, 1]; W = [0, 0, 1] (z and r pre-activations from h only), R = [0, 0, 2],
    // bias Rbh = 1. Step 1 (h = 0): cand = tanh(1 + r * 1) with r = 0.5 (lbr) vs tanh(1 + 1) (no lbr).
    const inputs = [{ value: t([2, 1, 1], [1, 1]) }, { value: t([1, 3, 1], [0, 0, 1]), constant: true }, { value: t([1, 3, 1], [0, 0, 2]), constant: true }, { value: t([1, 6], [0, 0, 0, 0, 0, 1]), constant: true }];
    const [lbr] = interpret("GRU", inputs, { hidden_size: 1, linear_before_reset: 1 });
    const [plain] = interpret("GRU", inputs, { hidden_size: 1 });
    expect(values(lbr)[0]).toBeCloseTo(0.5 * Math.tanh(1.5), 6);
    expect(values(plain)[0]).toBeCloseTo(0.5 * Math.tanh(2), 6);
  });

  const cases: [string, ReturnType<typeof recurrentInputs>, Attrs][] = [
    ["forward with bias and initial state", recurrentInputs(3, 5, 3, 4, 6, 1, { bias: true, initial: true }), { hidden_size: 6 }],
    ["linear_before_reset, reverse, sequence_lens", recurrentInputs(3, 5, 3, 2, 3, 1, { bias: true, seqLens: [5, 1, 3] }), { hidden_size: 3, direction: "reverse", linear_before_reset: 1 }],
    ["bidirectional, layout 1, clip", recurrentInputs(3, 4, 2, 3, 4, 2, { bias: true, initial: true, layout: 1 }), { hidden_size: 4, direction: "bidirectional", layout: 1, clip: 0.7 }],
    ["custom activations", recurrentInputs(3, 3, 2, 2, 3, 2, { bias: true }), { hidden_size: 3, direction: "bidirectional", activations: ["HardSigmoid", "LeakyRelu", "Sigmoid", "Softsign"], activation_alpha: [0.3, 0.05], activation_beta: [0.4] }],
  ];
  for (const [title, inputs, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("GRU", inputs, attrs, 2);
    });
  }

  it("rejects R of the wrong shape, naming the node", () => {
    const inputs = recurrentInputs(3, 2, 1, 2, 2, 1);
    expect(() => interpret("GRU", inputs, { hidden_size: 3 })).toThrow(/node "gru_0" \(GRU\).*W must have shape 1x9x2/);
  });
});

describe("RNN", () => {
  it("computes two steps by hand", () => {
    const [y, yh] = interpret("RNN", [{ value: t([2, 1, 1], [2, -1]) }, { value: t([1, 1, 1], [0.5]), constant: true }, { value: t([1, 1, 1], [0.25]), constant: true }], { hidden_size: 1 }, 2);
    const h1 = Math.tanh(1);
    const h2 = Math.tanh(-0.5 + 0.25 * h1);
    expect(values(y)[0]).toBeCloseTo(h1, 6);
    expect(values(y)[1]).toBeCloseTo(h2, 6);
    expect(values(yh)).toHaveLength(1);
    expect(values(yh)[0]).toBeCloseTo(h2, 6);
  });

  const cases: [string, ReturnType<typeof recurrentInputs>, Attrs][] = [
    ["forward with bias and initial state", recurrentInputs(1, 5, 3, 4, 6, 1, { bias: true, initial: true }), { hidden_size: 6 }],
    ["bidirectional with sequence_lens and layout 1", recurrentInputs(1, 4, 3, 3, 4, 2, { bias: true, seqLens: [4, 2, 0], layout: 1 }), { hidden_size: 4, direction: "bidirectional", layout: 1 }],
    ["Relu with clip", recurrentInputs(1, 3, 2, 2, 3, 1), { hidden_size: 3, activations: ["Relu"], clip: 0.5 }],
  ];
  for (const [title, inputs, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("RNN", inputs, attrs, 2);
    });
  }

  it("rejects a wrong number of activations", () => {
    expect(() => interpret("RNN", recurrentInputs(1, 2, 1, 2, 2, 1), { hidden_size: 2, activations: ["Tanh", "Tanh"] })).toThrow(/"activations" has 2 names, expected 1/);
  });
});
