import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { checksGraph, expectCMatchesInterpreter } from "./elementwise-support.js";
import { expectNodeError, input, interpretNode, iota, valuesOf } from "./tensor-support.js";

const einsum = (equation: string, ...xs: Tensor[]) => interpretNode({ op: "Einsum", inputs: xs.map(input), attrs: { equation } })[0]!;

describe("Einsum", () => {
  it("matmul, transpose, trace, diagonal, sum, outer product (hand-checked)", () => {
    const a = iota([2, 3]);
    const b = iota([3, 2]);
    expect(valuesOf(einsum("ij,jk->ik", a, b))).toEqual([10, 13, 28, 40]);
    expect(einsum("ij->ji", a).shape).toEqual([3, 2]);
    expect(valuesOf(einsum("ij->ji", a))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(valuesOf(einsum("ii", iota([3, 3])))).toEqual([12]);
    expect(valuesOf(einsum("ii->i", iota([3, 3])))).toEqual([0, 4, 8]);
    expect(valuesOf(einsum("ij->", a))).toEqual([15]);
    expect(valuesOf(einsum("i,j", iota([2]), iota([3])))).toEqual([0, 0, 0, 0, 1, 2]);
  });
  it("implicit output: labels used once, alphabetically; ellipsis dimensions first and broadcast", () => {
    // "ba" implicitly means "ba->ab": a transpose.
    expect(valuesOf(einsum("ba", iota([2, 3])))).toEqual([0, 3, 1, 4, 2, 5]);
    const y = einsum("...ij,...jk", iota([2, 2, 3]), iota([3, 2]));
    expect(y.shape).toEqual([2, 2, 2]);
    expect(valuesOf(y)).toEqual([10, 13, 28, 40, 46, 67, 64, 94]);
    // The batch dimension of size 1 broadcasts against 2.
    expect(einsum("...i,...i->...", iota([1, 3]), iota([2, 3])).shape).toEqual([2]);
    expect(valuesOf(einsum("...i,...i->...", iota([1, 3]), iota([2, 3])))).toEqual([5, 14]);
  });
  it("generated C matches for attention-style, batched and 3-input contractions, under sanitizers", () => {
    const q = randomTensor([2, 3, 4, 5], 1);
    const k = randomTensor([2, 3, 6, 5], 2);
    const w = randomTensor([5, 7], 3);
    const v = randomTensor([7], 4);
    const m = randomTensor([4, 4], 5);
    const i32 = Tensor.fromNumbers("int32", [3, 4], [1, -2, 3, 2147483647, 5, 6, -7, 8, 9, 10, 11, -12]);
    const i64 = Tensor.fromNumbers("int64", [4, 2], [3, 1, -4, 1, 5, 9, -2, 6]);
    const { graph, feeds } = checksGraph({ q, k, w, v, m, i32, i64 }, [
      { name: "scores", op: "Einsum", inputs: ["q", "k"], attrs: { equation: "bhid,bhjd->bhij" } },
      { name: "proj", op: "Einsum", inputs: ["q", "w"], attrs: { equation: "...d,de->...e" } },
      { name: "chain", op: "Einsum", inputs: ["q", "w", "v"], attrs: { equation: "bhid,de,e->bhi" } },
      { name: "trace", op: "Einsum", inputs: ["m"], attrs: { equation: "ii->" } },
      { name: "int32_wrap", op: "Einsum", inputs: ["i32", "i32"], attrs: { equation: "ij,ij->i" } },
      { name: "int64_mm", op: "Einsum", inputs: ["i64", "i64"], attrs: { equation: "ij,kj->ik" } },
    ]);
    expectCMatchesInterpreter(graph, feeds, { cflags: SANITIZE_CFLAGS });
  });
  it("rejects malformed equations and mismatched dimensions, naming the node", () => {
    const a = iota([2, 3]);
    const err = (equation: string, xs: Tensor[], message: RegExp) => expectNodeError({ op: "Einsum", inputs: xs.map(input), attrs: { equation } }, message);
    err("ij,jk->ik", [a, iota([4, 2])], /dimension "j" is 3 in one input and 4 in input 1/);
    err("ijk->k", [a], /input 0 has rank 2 but its term "ijk" names 3 dimensions/);
    err("ij->iz", [a], /output label "z" does not occur/);
    err("i.j->i", [a], /may hold only letters/);
    err("ij,jk->ik", [a], /2 input terms for 1 inputs/);
  });
});
