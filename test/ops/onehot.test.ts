import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, valuesOf, type NodeCase } from "./tensor-support.js";

const depth = (d: number) => constant(Tensor.scalar("float32", d));
const onOff = (dtype: "float32" | "int32" | "int8" | "int64" = "float32") => input(Tensor.fromNumbers(dtype, [2], [-1, 5]));

describe("OneHot", () => {
  it("puts on_value at each index along the new axis (hand-checked)", () => {
    const [y] = interpretNode({ op: "OneHot", inputs: [input(i64([0, -1, 2])), depth(3), onOff()] });
    expect(y!.shape).toEqual([3, 3]);
    expect(valuesOf(y)).toEqual([5, -1, -1, -1, -1, 5, -1, -1, 5]);
    const [z] = interpretNode({ op: "OneHot", inputs: [input(Tensor.fromNumbers("float32", [2], [1.7, 0])), depth(2), onOff("int32")], attrs: { axis: 0 } });
    expect(z!.dtype).toBe("int32");
    expect(z!.shape).toEqual([2, 2]);
    expect(valuesOf(z)).toEqual([-1, 5, 5, -1]);
  });
  it("gives an all-off line for out-of-range, NaN and infinite indices", () => {
    const [y] = interpretNode({ op: "OneHot", inputs: [input(Tensor.fromNumbers("float32", [4], [3, -4, NaN, Infinity])), depth(3), onOff()] });
    expect(valuesOf(y)).toEqual(new Array(12).fill(-1));
  });
  it("generated C matches for every axis, index type and value type, under sanitizers", () => {
    const idx = Tensor.fromNumbers("int32", [2, 3], [0, 4, -1, -5, 5, 2]);
    const fidx = Tensor.fromNumbers("float32", [2, 3], [0.9, -0.5, -4.5, NaN, 3.99, -Infinity]);
    const cases: NodeCase[] = [];
    for (const axis of [-3, -1, 0, 1, 2]) cases.push({ op: "OneHot", inputs: [input(idx), depth(5), onOff()], attrs: { axis } });
    cases.push({ op: "OneHot", inputs: [input(fidx), depth(4), onOff("int8")] });
    cases.push({ op: "OneHot", inputs: [input(i64([7, -7, 0])), constant(i64([7])), onOff("int64")], attrs: { axis: 0 } });
    cases.push({ op: "OneHot", inputs: [input(Tensor.fromNumbers("float16", [3], [1, 2, -1])), depth(3), onOff()] });
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
  it("rejects a bad depth, bad values and an axis out of range, naming the node", () => {
    expectNodeError({ op: "OneHot", inputs: [input(i64([0])), depth(0), onOff()] }, /depth 0 must be at least 1/);
    expectNodeError({ op: "OneHot", inputs: [input(i64([0])), depth(2), input(Tensor.fromNumbers("float32", [3], [0, 1, 2]))] }, /values must be \[off_value, on_value\]/);
    expectNodeError({ op: "OneHot", inputs: [input(i64([0])), depth(2), onOff()], attrs: { axis: 2 } }, /axis 2 is out of range/);
    expectNodeError({ op: "OneHot", inputs: [input(i64([0])), input(Tensor.scalar("float32", 2)), onOff()] }, /the depth\) must be a compile-time constant/);
  });
});
