import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { runGraph as runLibraryGraph } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";

/**
 * float16 MatMul/Conv (as expanded float16 functions write them): widened to float32 at import,
 * computed in float32 and rounded once to float16, i.e. the float32 result of the same
 * (exactly widened) operands rounded to nearest even.
 */

const half = (t: Tensor): Tensor => Tensor.fromNumbers("float16", t.shape, t.toNumbers());
const wide = (t: Tensor): Tensor => Tensor.fromNumbers("float32", t.shape, t.toNumbers());

describe("float16 operands of float32-only ops", () => {
  const a = half(randomTensor([2, 3, 5], 1, -2, 2));
  const b = half(randomTensor([5, 4], 2, -2, 2));
  const x = half(randomTensor([1, 2, 6, 6], 3, -1, 1));
  const w = half(randomTensor([3, 2, 3, 3], 4, -1, 1));
  const nodes = [
    { name: "mm", op: "MatMul", inputs: ["a", "b"] },
    { name: "conv", op: "Conv", inputs: ["x", "w"], attrs: { pads: [1, 1, 1, 1] } },
  ];

  it("give float16 results equal to the float32 op on the widened operands, rounded once", () => {
    const { graph, feeds } = checksGraph({ a, b, x, w }, nodes);
    expect(graph.outputs.map((o) => o.dtype)).toEqual(["float16", "float16"]);
    expect(graph.nodes.filter((n) => n.op === "Cast").length).toBe(6);
    const f32 = checksGraph({ a: wide(a), b: wide(b), x: wide(x), w: wide(w) }, nodes);
    const want = runLibraryGraph(f32.graph, f32.feeds).map(half);
    const got = runLibraryGraph(graph, feeds);
    got.forEach((t, i) => expect(Array.from(t.toNumbers()), graph.outputs[i]!.name).toEqual(Array.from(want[i]!.toNumbers())));
    expectCMatchesInterpreter(graph, feeds);
  });
});
