import { describe, expect, it } from "vitest";
import { buildGraph, Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";
import { constant, expectNodeError, i64, input, interpretNode, valuesOf } from "./tensor-support.js";

const round = (v: number[]) => v.map((x) => Math.round(x * 1e6) / 1e6 + 0);
const real = (v: number[]) => Tensor.fromNumbers("float32", [1, v.length, 1], v);

describe("DFT", () => {
  it("forward, onesided and inverse transforms of a short signal (hand-checked)", () => {
    const x = input(real([1, 2, 3, 4]));
    // [10, -2+2i, -2, -2-2i]
    expect(round(valuesOf(interpretNode({ op: "DFT", inputs: [x] })[0]))).toEqual([10, 0, -2, 2, -2, 0, -2, -2]);
    const half = interpretNode({ op: "DFT", inputs: [x], attrs: { onesided: 1 } })[0]!;
    expect(half.shape).toEqual([1, 3, 2]);
    const spectrum = Tensor.fromNumbers("float32", [1, 4, 2], [10, 0, -2, 2, -2, 0, -2, -2]);
    expect(round(valuesOf(interpretNode({ op: "DFT", inputs: [input(spectrum)], attrs: { inverse: 1 } })[0]))).toEqual([1, 0, 2, 0, 3, 0, 4, 0]);
    // irfft of the one-sided spectrum gives the real signal back (n = 2·(3 - 1)).
    const irfft = interpretNode({ op: "DFT", inputs: [input(half)], attrs: { inverse: 1, onesided: 1 } })[0]!;
    expect(irfft.shape).toEqual([1, 4, 1]);
    expect(round(valuesOf(irfft))).toEqual([1, 2, 3, 4]);
  });
  it("zero-pads or truncates to dft_length and takes the opset-20 axis input (default -2)", () => {
    const x = real([1, 1]);
    const padded = interpretNode({ op: "DFT", inputs: [input(x), constant(i64([4]))] })[0]!;
    expect(round(valuesOf(padded))).toEqual([2, 0, 1, -1, 0, 0, 1, 1]);
    const twoD = Tensor.fromNumbers("float32", [2, 2, 1], [1, 2, 3, 4]);
    const along0 = interpretNode({ op: "DFT", inputs: [input(twoD), undefined, constant(i64([0]))] }, 20)[0]!;
    expect(round(valuesOf(along0))).toEqual([4, 0, 6, 0, -2, 0, -2, 0]);
    const dflt = interpretNode({ op: "DFT", inputs: [input(twoD)] }, 20)[0]!;
    expect(round(valuesOf(dflt))).toEqual([3, 0, -1, 0, 7, 0, -1, 0]);
  });
  it("generated C matches forward, inverse, onesided and irfft, real and complex, under sanitizers", () => {
    const r = randomTensor([2, 12, 3, 1], 1);
    const c = randomTensor([2, 7, 2], 2);
    const h = randomTensor([3, 5, 2], 3);
    const { graph, feeds } = checksGraph({ r, c, h }, [
      { name: "fwd", op: "DFT", inputs: ["r"] },
      { name: "rfft", op: "DFT", inputs: ["r"], attrs: { onesided: 1, axis: 1 } },
      { name: "padded", op: "DFT", inputs: ["r"], attrs: { dft_length: 16, axis: 2 } },
      { name: "inv", op: "DFT", inputs: ["c"], attrs: { inverse: 1 } },
      { name: "irfft_even", op: "DFT", inputs: ["h"], attrs: { inverse: 1, onesided: 1 } },
      { name: "irfft_odd", op: "DFT", inputs: ["h"], attrs: { inverse: 1, onesided: 1, dft_length: 9 } },
    ]);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("rejects the last axis, integer signals and a bad last dimension, naming the node", () => {
    expectNodeError({ op: "DFT", inputs: [input(real([1, 2]))], attrs: { axis: 2 } }, /not the last/);
    expectNodeError({ op: "DFT", inputs: [input(Tensor.fromNumbers("int32", [1, 2, 1], [1, 2]))] }, /DFT supports float32, float64/);
    expectNodeError({ op: "DFT", inputs: [input(Tensor.fromNumbers("float32", [1, 2, 3], [1, 2, 3, 4, 5, 6]))] }, /end in 1 \(real\) or 2 \(complex\)/);
  });
});

describe("STFT", () => {
  const signal = Tensor.fromNumbers("float32", [1, 8, 1], [0, 1, 2, 3, 4, 5, 6, 7]);
  it("frames, windows and transforms (hand-checked sums of each frame)", () => {
    const y = interpretNode({ op: "STFT", inputs: [input(signal), constant(i64([2])), undefined, constant(i64([4]))] })[0]!;
    expect(y.shape).toEqual([1, 3, 3, 2]);
    const v = valuesOf(y);
    // The DC bin of frame f is the sum of samples 2f..2f+3.
    expect([v[0], v[6], v[12]]).toEqual([6, 14, 22]);
    const w = constant(Tensor.fromNumbers("float32", [4], [0, 1, 1, 0]));
    const z = valuesOf(interpretNode({ op: "STFT", inputs: [input(signal), constant(i64([4])), w] })[0]);
    expect([z[0], z[6]]).toEqual([3, 11]);
  });
  it("generated C matches with and without a run-time window, onesided or not, under sanitizers", () => {
    const s = randomTensor([2, 40, 1], 4);
    const sc = randomTensor([1, 20, 2], 5);
    const w = randomTensor([8], 6, 0, 1);
    const k = (v: number) => Tensor.scalar("int64", v);
    const graph = buildGraph({
      name: "stft",
      opset: 17,
      inputs: [s, sc, w].map((t, i) => ({ name: ["s", "sc", "w"][i]!, dtype: t.dtype, dims: [...t.shape] })),
      outputs: ["plain", "windowed", "complex"],
      constants: new Map([["k3", k(3)], ["k4", k(4)], ["k5", k(5)], ["k8", k(8)]]),
      nodes: [
        { name: "plain", op: "STFT", inputs: ["s", "k5", "", "k8"], outputs: ["plain"], attrs: {} },
        { name: "windowed", op: "STFT", inputs: ["s", "k3", "w"], outputs: ["windowed"], attrs: { onesided: 0 } },
        { name: "complex", op: "STFT", inputs: ["sc", "k4", "w"], outputs: ["complex"], attrs: { onesided: 0 } },
      ],
    });
    expectCMatchesInterpreter(graph, [s, sc, w], { cflags: SANITIZE_CFLAGS });
  });
  it("rejects a window of the wrong length and onesided complex signals", () => {
    const w = input(Tensor.fromNumbers("float32", [3], [1, 1, 1]));
    expectNodeError({ op: "STFT", inputs: [input(signal), constant(i64([2])), w, constant(i64([4]))] }, /the window has 3 entries, frame_length is 4/);
    expectNodeError({ op: "STFT", inputs: [input(Tensor.fromNumbers("float32", [1, 4, 2], new Array(8).fill(0))), constant(i64([2]))] }, /onesided = 1 needs a real signal/);
  });
});

describe("window functions and MelWeightMatrix", () => {
  const size = constant(Tensor.scalar("int32", 4));
  it("periodic and symmetric Hann, Hamming and Blackman windows (hand-checked)", () => {
    expect(round(valuesOf(interpretNode({ op: "HannWindow", inputs: [size] })[0]))).toEqual([0, 0.5, 1, 0.5]);
    expect(round(valuesOf(interpretNode({ op: "HannWindow", inputs: [size], attrs: { periodic: 0 } })[0]))).toEqual([0, 0.75, 0.75, 0]);
    expect(round(valuesOf(interpretNode({ op: "HammingWindow", inputs: [size] })[0]))).toEqual(round([4 / 46, 25 / 46, 1, 25 / 46]));
    expect(round(valuesOf(interpretNode({ op: "BlackmanWindow", inputs: [size] })[0]))).toEqual([0, 0.34, 1, 0.34]);
    const f64 = interpretNode({ op: "HannWindow", inputs: [size], attrs: { output_datatype: 11 } })[0]!;
    expect(f64.dtype).toBe("float64");
  });
  it("MelWeightMatrix gives triangular filters that peak at 1", () => {
    const ops = [8, 16, 8192].map((v) => constant(Tensor.scalar("int32", v)));
    const edges = [0, 4096].map((v) => constant(Tensor.scalar("float32", v)));
    const m = interpretNode({ op: "MelWeightMatrix", inputs: [...ops, ...edges] })[0]!;
    expect(m.shape).toEqual([9, 8]);
    const v = valuesOf(m);
    for (let col = 0; col < 8; col++) {
      const column = Array.from({ length: 9 }, (_, row) => v[row * 8 + col]!);
      expect(Math.max(...column), `column ${col}`).toBe(1);
      expect(column.every((x) => x >= 0 && x <= 1)).toBe(true);
    }
  });
  it("refuses a run-time size and a non-float output type", () => {
    expectNodeError({ op: "HannWindow", inputs: [input(Tensor.scalar("int32", 4))] }, /the size\) must be a compile-time constant \(it sets the output shape\)/);
    expectNodeError({ op: "HannWindow", inputs: [size], attrs: { output_datatype: 6 } }, /output_datatype 6 must be a float type code/);
  });
});
