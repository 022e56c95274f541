import { describe, expect, it } from "vitest";
import { buildGraph, runGraph, Tensor } from "../../src/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import type { TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** X, W, R (+ optional B, sequence_lens, initial_h, initial_c, P) for an LSTM of the given size. */
function lstmInputs(seq: number, batch: number, input: number, hidden: number, dirs: number, extras: { bias?: boolean; seqLens?: number[]; initial?: boolean; peepholes?: boolean; layout?: number } = {}): (TestInput | undefined)[] {
  const xShape = extras.layout === 1 ? [batch, seq, input] : [seq, batch, input];
  const stateShape = extras.layout === 1 ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return [
    { value: randomTensor(xShape, 31, -2, 2) },
    { value: randomTensor([dirs, 4 * hidden, input], 32), constant: true },
    { value: randomTensor([dirs, 4 * hidden, hidden], 33), constant: true },
    extras.bias ? { value: randomTensor([dirs, 8 * hidden], 34), constant: true } : undefined,
    extras.seqLens ? { value: Tensor.fromNumbers("int32", [batch], extras.seqLens) } : undefined,
    extras.initial ? { value: randomTensor(stateShape, 35) } : undefined,
    extras.initial ? { value: randomTensor(stateShape, 36) } : undefined,
    extras.peepholes ? { value: randomTensor([dirs, 3 * hidden], 37), constant: true } : undefined,
  ];
}

describe("LSTM", () => {
  it("computes one step of a 1-unit LSTM by hand", () => {
    // W = 0.5 for every gate, R = 0, no bias: all gate pre-activations are 0.5 * x.
    const x = 2;
    const [y, yh, yc] = interpret(
      "LSTM",
      [{ value: Tensor.fromNumbers("float32", [1, 1, 1], [x]) }, { value: Tensor.fromNumbers("float32", [1, 4, 1], [0.5, 0.5, 0.5, 0.5]), constant: true }, { value: Tensor.fromNumbers("float32", [1, 4, 1], [0, 0, 0, 0]), constant: true }],
      { hidden_size: 1 },
      3,
    );
    const c = sigmoid(1) * Math.tanh(1);
    const h = sigmoid(1) * Math.tanh(c);
    expect(y!.shape).toEqual([1, 1, 1, 1]);
    expect(values(yc)[0]).toBeCloseTo(c, 6);
    expect(values(yh)[0]).toBeCloseTo(h, 6);
    expect(values(y)[0]).toBeCloseTo(h, 6);
  });

  it("leaves zeros in Y past each batch entry's sequence length", () => {
    const [y] = interpret("LSTM", lstmInputs(4, 2, 3, 2, 1, { seqLens: [4, 2] }), { hidden_size: 2 });
    const at = (t: number, b: number) => values(y).slice((t * 2 + b) * 2, (t * 2 + b) * 2 + 2);
    expect(at(2, 1)).toEqual([0, 0]);
    expect(at(3, 1)).toEqual([0, 0]);
    expect(at(3, 0).some((v) => v !== 0)).toBe(true);
  });

  const cases: [string, ReturnType<typeof lstmInputs>, Record<string, number | string | string[] | number[]>][] = [
    ["forward with bias and initial state", lstmInputs(5, 3, 4, 6, 1, { bias: true, initial: true }), { hidden_size: 6 }],
    ["reverse with sequence_lens", lstmInputs(5, 3, 2, 3, 1, { bias: true, seqLens: [5, 1, 3] }), { hidden_size: 3, direction: "reverse" }],
    ["bidirectional with peepholes and sequence_lens", lstmInputs(4, 2, 3, 4, 2, { bias: true, peepholes: true, seqLens: [3, 4], initial: true }), { hidden_size: 4, direction: "bidirectional" }],
    ["layout 1, clip and input_forget", lstmInputs(3, 2, 3, 2, 1, { bias: true, initial: true, layout: 1 }), { hidden_size: 2, layout: 1, clip: 0.5, input_forget: 1 }],
    [
      "custom activations with alpha/beta",
      lstmInputs(3, 2, 2, 3, 2, { bias: true }),
      { hidden_size: 3, direction: "bidirectional", activations: ["HardSigmoid", "LeakyRelu", "ScaledTanh", "Sigmoid", "Elu", "Softsign"], activation_alpha: [0.3, 0.05, 0.8, 1.2], activation_beta: [0.4, 1.5] },
    ],
  ];
  for (const [title, inputs, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("LSTM", inputs, attrs, 3);
    });
  }

  it("C handles an unused Y output (only Y_c is computed)", () => {
    const [x, w, r, b] = lstmInputs(3, 2, 2, 2, 1, { bias: true });
    const graph = buildGraph({
      name: "lstm_unused",
      opset: 14,
      inputs: [{ name: "x", dtype: "float32", dims: [...x!.value.shape] }],
      outputs: ["yc"],
      constants: new Map([["w", w!.value], ["r", r!.value], ["b", b!.value]]),
      nodes: [{ name: "lstm", op: "LSTM", inputs: ["x", "w", "r", "b"], outputs: ["", "", "yc"], attrs: { hidden_size: 2 } }],
    });
    const [ref] = runGraph(graph, [x!.value]);
    const [got] = compileAndRun(graph, [x!.value]);
    expect(ref!.shape).toEqual([1, 2, 2]);
    expect(compareClose(got!, ref!).ok).toBe(true);
  });

  it("rejects W of the wrong shape, naming the node", () => {
    const inputs = lstmInputs(3, 1, 2, 2, 1);
    expect(() => interpret("LSTM", inputs, { hidden_size: 3 })).toThrow(/node "lstm_0" \(LSTM\).*W must have shape/);
  });

  it("rejects an unknown activation", () => {
    expect(() => interpret("LSTM", lstmInputs(2, 1, 2, 2, 1), { hidden_size: 2, activations: ["Sigmoid", "Gelu", "Tanh"] })).toThrow(/activation "Gelu"/);
  });
});
