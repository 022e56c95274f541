import { describe, expect, it } from "vitest";
import { runGraph, Tensor } from "../../src/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { randomTensor, singleNodeGraph, type TestInput } from "../support/graphs.js";

const half = (t: Tensor) => Tensor.fromNumbers("float16", t.shape, t.toNumbers());

/**
 * float16 I/O of the float32 ops that accumulate in float32 (half-io.ts): the outputs are float16,
 * equal to the float32 op on the widened inputs rounded to float16, in the interpreter and in C.
 */
const cases: [string, TestInput[], Record<string, number | string>, number, number][] = [
  ["Attention", [{ value: randomTensor([1, 2, 3, 4], 1) }, { value: randomTensor([1, 2, 5, 4], 2) }, { value: randomTensor([1, 2, 5, 4], 3) }], { is_causal: 1 }, 1, 23],
  ["LinearAttention", [{ value: randomTensor([1, 3, 8], 4) }, { value: randomTensor([1, 3, 8], 5) }, { value: randomTensor([1, 3, 8], 6) }], { q_num_heads: 2, kv_num_heads: 2, update_rule: "linear" }, 2, 27],
  ["CausalConvWithState", [{ value: randomTensor([1, 3, 6], 7) }, { value: randomTensor([3, 1, 3], 8), constant: true }], {}, 2, 27],
];

describe("float16 inputs and outputs, computed in float32", () => {
  for (const [op, inputs, attrs, outputs, opset] of cases) {
    it(`${op}: float16 outputs are the float32 results rounded, in the interpreter and in C`, () => {
      const halved = inputs.map((i) => ({ ...i, value: half(i.value) }));
      const widened = halved.map((i) => ({ ...i, value: Tensor.fromNumbers("float32", i.value.shape, i.value.toNumbers()) }));
      const f32 = singleNodeGraph(op, widened, attrs, outputs, opset);
      const f16 = singleNodeGraph(op, halved, attrs, outputs, opset);
      const want = runGraph(f32.graph, f32.feeds).map(half);
      const ref = runGraph(f16.graph, f16.feeds);
      const got = compileAndRun(f16.graph, f16.feeds);
      ref.forEach((t, i) => {
        expect(t.dtype).toBe("float16");
        expect(Array.from(t.toNumbers())).toEqual(Array.from(want[i]!.toNumbers()));
        // C rounds its float32 result to float16: at most one float16 step (2^-10 relative) away.
        expect(compareClose(got[i]!, t, 2 ** -10, 1e-4).ok).toBe(true);
      });
    });
  }
});
