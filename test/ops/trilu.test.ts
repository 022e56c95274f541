import { describe, expect, it } from "vitest";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf, type NodeCase } from "./tensor-support.js";

const x45 = iota([4, 5]);

describe("Trilu", () => {
  it("keeps the upper or lower triangle around the k-th diagonal (hand-checked)", () => {
    expect(valuesOf(interpretNode({ op: "Trilu", inputs: [input(iota([3, 3]))] })[0])).toEqual([0, 1, 2, 0, 4, 5, 0, 0, 8]);
    expect(valuesOf(interpretNode({ op: "Trilu", inputs: [input(iota([3, 3]))], attrs: { upper: 0 } })[0])).toEqual([0, 0, 0, 3, 4, 0, 6, 7, 8]);
    const lowerNeg = interpretNode({ op: "Trilu", inputs: [input(x45), constant(i64([-1]))], attrs: { upper: 0 } })[0];
    expect(valuesOf(lowerNeg)).toEqual([0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 10, 11, 0, 0, 0, 15, 16, 17, 0, 0]);
    const upperPos = interpretNode({ op: "Trilu", inputs: [input(x45), constant(i64([2]))] })[0];
    expect(valuesOf(upperPos)).toEqual([0, 0, 2, 3, 4, 0, 0, 0, 8, 9, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0]);
  });
  it("generated C matches for every k, both triangles, batches and element sizes, under sanitizers", () => {
    const cases: NodeCase[] = [];
    for (const k of [-7, -1, 0, 1, 3, 6, 9]) {
      for (const upper of [0, 1]) cases.push({ op: "Trilu", inputs: [input(seeded("float32", [2, 4, 5], 3)), constant(i64([k]))], attrs: { upper } });
    }
    cases.push({ op: "Trilu", inputs: [input(seeded("int64", [3, 1, 5], 4))] });
    cases.push({ op: "Trilu", inputs: [input(seeded("int8", [5, 3], 5))], attrs: { upper: 0 } });
    cases.push({ op: "Trilu", inputs: [input(seeded("float64", [2, 0, 3], 6))] });
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("rejects a rank-1 input, a run-time k and a bad `upper`, naming the node", () => {
    expectNodeError({ op: "Trilu", inputs: [input(iota([4]))] }, /rank 2 or more/);
    expectNodeError({ op: "Trilu", inputs: [input(x45), input(i64([1]))] }, /the k\) must be a compile-time constant/);
    expectNodeError({ op: "Trilu", inputs: [input(x45)], attrs: { upper: 2 } }, /"upper" = 2/);
  });
});
