import { describe, expect, it } from "vitest";
import { expectCasesMatchC, expectNodeError, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";

/** All permutations of [0..n). */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe("Transpose", () => {
  it("reverses the axes by default", () => {
    const [y] = interpretNode({ op: "Transpose", inputs: [input(iota([2, 3]))] });
    expect(y!.shape).toEqual([3, 2]);
    expect(valuesOf(y)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("moves axes as perm says: y[i, j, k] = x[k, i, j] for perm [2, 0, 1]", () => {
    const [y] = interpretNode({ op: "Transpose", inputs: [input(iota([2, 3, 4]))], attrs: { perm: [2, 0, 1] } });
    expect(y!.shape).toEqual([4, 2, 3]);
    // y[1, 1, 2] = x[1, 1, 2]... checked through flat indices: y index (k, a, b) reads x (a, b, k).
    const x = valuesOf(iota([2, 3, 4]));
    const got = valuesOf(y);
    for (let k = 0; k < 4; k++) for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expect(got[k * 6 + a * 3 + b]).toBe(x[a * 12 + b * 4 + k]);
  });

  it("rejects perms that are not permutations, naming the node", () => {
    const x = input(iota([2, 3, 4]));
    expectNodeError({ op: "Transpose", inputs: [x], attrs: { perm: [0, 1] } }, /not a permutation/);
    expectNodeError({ op: "Transpose", inputs: [x], attrs: { perm: [0, 1, 1] } }, /not a permutation/);
    expectNodeError({ op: "Transpose", inputs: [x], attrs: { perm: [0, 1, 3] } }, /not a permutation/);
  });

  it("C matches the interpreter on every permutation of a 4-D tensor", () => {
    expectCasesMatchC(permutations(4).map((perm, i) => ({ op: "Transpose", inputs: [input(seeded("float32", [2, 3, 4, 5], i))], attrs: { perm } })));
  });

  it("C matches the interpreter for several dtypes, ranks 0 to 8 and size-1 axes", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "int16", "float64", "uint32"] as const).flatMap((dtype, i) => [
      { op: "Transpose", inputs: [input(seeded(dtype, [3, 1, 5], i))], attrs: { perm: [2, 1, 0] } },
      { op: "Transpose", inputs: [input(seeded(dtype, [2, 1, 3, 2, 1, 2, 3, 2], i + 10))], attrs: { perm: [7, 5, 3, 1, 0, 2, 4, 6] } },
      { op: "Transpose", inputs: [input(seeded(dtype, [], i + 20))] },
      { op: "Transpose", inputs: [input(seeded(dtype, [4, 0, 3], i + 30))], attrs: { perm: [1, 2, 0] } },
    ]);
    expectCasesMatchC(cases);
  });
});
