import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type AttrValue, type Graph } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { fanOutGraph, randomTensor, singleNodeGraph, type TestInput } from "../support/graphs.js";

/**
 * The interpreter and the generated C agree on inputs at the edge of what the ops define:
 * AveragePool over +-FLT_MAX (a float sum overflows, the float64 reference does not) and LSTM
 * sequence_lens outside [0, seq_length] (both clamp). The C runs under ASan/UBSan, so an
 * out-of-bounds read (a reverse LSTM with a too-long length) fails the test.
 */

const FLT_MAX = 3.4028234663852886e38;

/** Runs the interpreter and the ASan-built C on `graph`; expects every output to agree. */
function runBoth(graph: Graph, feeds: Tensor[], label: (output: number) => string): { ref: Tensor[]; got: Tensor[] } {
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS });
  expect(got.length).toBe(ref.length);
  got.forEach((t, i) => {
    const cmp = compareClose(t, ref[i]!);
    expect(cmp, `${label(i)}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toMatchObject({ ok: true });
  });
  return { ref, got };
}

const finite = (t: Tensor) => Array.from(t.toNumbers()).every(Number.isFinite);

/** One input feeding several pooling nodes: one C build covers every variant. */
function runFanOut(x: Tensor, nodes: { op: string; attrs: Record<string, AttrValue> }[]): { ref: Tensor[]; got: Tensor[] } {
  return runBoth(fanOutGraph(x, nodes), [x], (i) => `${nodes[i]!.op} ${JSON.stringify(nodes[i]!.attrs)}`);
}

const POOLS = [
  { op: "AveragePool", attrs: { kernel_shape: [2, 2] } },
  { op: "AveragePool", attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 } },
  { op: "AveragePool", attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  // The same tensor read as [N, H, W, C] = [1, 2, 4, 4]: the channels-innermost kernel.
  { op: "AveragePool", attrs: { kernel_shape: [2, 2], pads: [1, 1, 1, 1], layout: "NHWC" } },
  { op: "GlobalAveragePool", attrs: {} },
];

describe("AveragePool at +-FLT_MAX: C gives the reference's finite means", () => {
  it("NCHW (exclude / include pad), NHWC and global pooling agree with the interpreter and stay finite", () => {
    // [1, 2, 4, 4]: channel 0 all +FLT_MAX, channel 1 alternating +-FLT_MAX with some ordinary values.
    const values = Array.from({ length: 32 }, (_, i) => (i < 16 ? FLT_MAX : i % 3 === 0 ? -FLT_MAX : i % 3 === 1 ? FLT_MAX : i - 20));
    const { ref, got } = runFanOut(Tensor.fromNumbers("float32", [1, 2, 4, 4], values), POOLS);
    ref.forEach((t, i) => expect(finite(t), `reference ${i}`).toBe(true));
    got.forEach((t, i) => expect(finite(t), `C ${i}`).toBe(true));
    // Windows of FLT_MAX taps only average to FLT_MAX exactly (the float sum alone gives +Inf).
    for (const i of [0, 2, 4]) expect(got[i]!.toNumbers()[0], `C ${i}`).toBe(FLT_MAX);
    // count_include_pad: the corner window holds 4 taps of the 9 in the padded input.
    expect(got[1]!.toNumbers()[0]).toBe(Math.fround((4 * FLT_MAX) / 9));
  });

  it("Inf and NaN inputs stay Inf and NaN in both; ordinary values still agree", () => {
    const x = randomTensor([1, 2, 4, 4], 5, -3, 3);
    x.data[0] = Infinity;
    x.data[6] = NaN;
    const { got } = runFanOut(x, POOLS);
    expect(got[0]!.toNumbers()[0]).toBe(Infinity);
    expect(got[0]!.toNumbers()[2]).toBeNaN();
    // Channel 1 holds only ordinary values.
    expect(Array.from(got[0]!.toNumbers().subarray(9)).every(Number.isFinite)).toBe(true);
  });
});

/** An LSTM whose sequence_lens is a run-time input (so any value can be fed). */
function lstmWithLengths(lengths: number[], direction: string): { inputs: TestInput[]; attrs: Record<string, AttrValue> } {
  const [seq, batch, input, hidden] = [4, lengths.length, 3, 2];
  const dirs = direction === "bidirectional" ? 2 : 1;
  return {
    inputs: [
      { value: randomTensor([seq, batch, input], 41, -2, 2) },
      { value: randomTensor([dirs, 4 * hidden, input], 42), constant: true },
      { value: randomTensor([dirs, 4 * hidden, hidden], 43), constant: true },
      { value: randomTensor([dirs, 8 * hidden], 44), constant: true },
      { value: Tensor.fromNumbers("int32", [batch], lengths) },
    ],
    attrs: { hidden_size: hidden, direction },
  };
}

describe("LSTM sequence_lens out of range: clamped to [0, seq_length] by both", () => {
  // Bidirectional runs the kernel forward and in reverse (where a too-long length read x out of bounds).
  it("finite, equal to the clamped lengths' result, C without out-of-bounds reads", () => {
    const wild = lstmWithLengths([1_000_000_000, -5, 2147483647, 4], "bidirectional");
    const { graph: wildGraph, feeds: wildFeeds } = singleNodeGraph("LSTM", wild.inputs, wild.attrs, 3);
    const { ref, got } = runBoth(wildGraph, wildFeeds, (i) => `LSTM output ${i}`);
    for (const t of [...ref, ...got]) expect(finite(t)).toBe(true);
    const tame = lstmWithLengths([4, 0, 4, 4], "bidirectional");
    const { graph, feeds } = singleNodeGraph("LSTM", tame.inputs, tame.attrs, 3);
    runGraph(graph, feeds).forEach((t, i) => expect(Array.from(ref[i]!.toNumbers())).toEqual(Array.from(t.toNumbers())));
  });
});
