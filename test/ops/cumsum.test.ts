import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, seeded, valuesOf, type NodeCase } from "./tensor-support.js";

const axis = (a: number) => constant(Tensor.scalar("int32", a));
const x5 = Tensor.fromNumbers("float64", [5], [1, 2, 3, 4, 5]);

describe("CumSum", () => {
  it("inclusive, exclusive, reverse (ONNX spec examples)", () => {
    const run = (attrs: Record<string, number>) => valuesOf(interpretNode({ op: "CumSum", inputs: [input(x5), axis(0)], attrs })[0]);
    expect(run({})).toEqual([1, 3, 6, 10, 15]);
    expect(run({ exclusive: 1 })).toEqual([0, 1, 3, 6, 10]);
    expect(run({ reverse: 1 })).toEqual([15, 14, 12, 9, 5]);
    expect(run({ exclusive: 1, reverse: 1 })).toEqual([14, 12, 9, 5, 0]);
    const x23 = input(Tensor.fromNumbers("float32", [2, 3], [1, 2, 3, 4, 5, 6]));
    expect(valuesOf(interpretNode({ op: "CumSum", inputs: [x23, axis(0)] })[0])).toEqual([1, 2, 3, 5, 7, 9]);
    expect(valuesOf(interpretNode({ op: "CumSum", inputs: [x23, axis(-1)] })[0])).toEqual([1, 3, 6, 4, 9, 15]);
  });
  it("wraps integer sums like the C (no overflow trap) and keeps int64 exact", () => {
    const [y] = interpretNode({ op: "CumSum", inputs: [input(Tensor.fromNumbers("int32", [2], [2147483647, 1])), axis(0)] });
    expect(valuesOf(y)).toEqual([2147483647, -2147483648]);
    const [z] = interpretNode({ op: "CumSum", inputs: [input(i64([2n ** 60n, 1n])), axis(0)] });
    expect(Array.from(z!.data as BigInt64Array)).toEqual([2n ** 60n, 2n ** 60n + 1n]);
  });
  it("generated C matches on every type, axis and mode, under sanitizers", () => {
    const cases: NodeCase[] = [];
    for (const dtype of ["float32", "float64", "float16", "int32", "int64", "uint32", "uint64"] as const) {
      for (const [a, exclusive, reverse] of [[0, 0, 0], [1, 1, 0], [-1, 0, 1], [2, 1, 1]] as const) {
        cases.push({ op: "CumSum", inputs: [input(seeded(dtype, [3, 4, 5], 7)), axis(a)], attrs: { exclusive, reverse } });
      }
    }
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("rejects an axis out of range, a run-time axis and bool data, naming the node", () => {
    expectNodeError({ op: "CumSum", inputs: [input(x5), axis(1)] }, /axis 1 is out of range/);
    expectNodeError({ op: "CumSum", inputs: [input(x5), input(Tensor.scalar("int32", 0))] }, /the axis\) must be a compile-time constant/);
    expectNodeError({ op: "CumSum", inputs: [input(Tensor.fromNumbers("bool", [2], [1, 0])), axis(0)] }, /CumSum supports/);
  });
});
