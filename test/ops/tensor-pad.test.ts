import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, seeded, valuesOf } from "./tensor-support.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";

const X = Tensor.fromNumbers("float32", [3, 2], [1.0, 1.2, 2.3, 3.4, 4.5, 5.7]);
const pad = (x: Tensor, pads: number[], mode?: string, value?: Tensor, axes?: number[]) => ({
  op: "Pad",
  inputs: [input(x), constant(i64(pads)), value ? constant(value) : undefined, axes ? constant(i64(axes)) : undefined],
  attrs: mode ? { mode } : {},
});
const f32 = (v: number[]) => Array.from(Float32Array.from(v));

describe("Pad", () => {
  it("spec examples: constant, reflect and edge", () => {
    const [c] = interpretNode(pad(X, [0, 2, 0, 0]));
    expect(c!.shape).toEqual([3, 4]);
    expect(valuesOf(c)).toEqual(f32([0, 0, 1.0, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7]));
    const [r] = interpretNode(pad(X, [0, 2, 0, 0], "reflect"));
    expect(valuesOf(r)).toEqual(f32([1.0, 1.2, 1.0, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7]));
    const [e] = interpretNode(pad(X, [0, 2, 0, 0], "edge"));
    expect(valuesOf(e)).toEqual(f32([1.0, 1.0, 1.0, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7]));
  });

  it("uses the constant value, crops with negative pads and folds wide reflections like numpy", () => {
    const [c] = interpretNode(pad(X, [1, 0, -1, 0], "constant", Tensor.scalar("float32", 9)));
    expect(valuesOf(c)).toEqual(f32([9, 9, 1.0, 1.2, 2.3, 3.4]));
    const [r] = interpretNode(pad(Tensor.fromNumbers("int32", [3], [1, 2, 3]), [5, 5], "reflect"));
    expect(valuesOf(r)).toEqual([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    const [w] = interpretNode(pad(Tensor.fromNumbers("int32", [3], [1, 2, 3]), [2, 4], "wrap"));
    expect(valuesOf(w)).toEqual([2, 3, 1, 2, 3, 1, 2, 3, 1]);
  });

  it("reads the attributes of opsets 1 and 2 and the axes input of opset 18", () => {
    const [v2] = interpretNode({ op: "Pad", inputs: [input(X)], attrs: { pads: [0, 1, 0, 0], value: 7 } }, 2);
    expect(valuesOf(v2).slice(0, 3)).toEqual(f32([7, 1.0, 1.2]));
    const [v1] = interpretNode({ op: "Pad", inputs: [input(X)], attrs: { paddings: [1, 0, 0, 0], mode: "edge" } }, 1);
    expect(v1!.shape).toEqual([4, 2]);
    const [v18] = interpretNode(pad(X, [1, 1], "edge", undefined, [-1]), 18);
    expect(valuesOf(v18).slice(0, 4)).toEqual(f32([1.0, 1.0, 1.2, 1.2]));
  });

  it("rejects bad modes, wrong pad counts and over-cropping", () => {
    expectNodeError(pad(X, [0, 1, 0, 0], "mirror"), /mode/);
    expectNodeError(pad(X, [0, 1, 0]), /needs 4/);
    expectNodeError(pad(X, [-2, 0, -2, 0]), /crop more than/);
  });

  it("C matches the interpreter for every mode and several dtypes (ASan + UBSan)", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "float64"] as const).flatMap((dtype, i) => [
      pad(seeded(dtype, [2, 3, 4], i), [0, 1, 2, 1, 0, 3], "constant", Tensor.scalar(dtype, dtype === "bool" ? 1 : 3)),
      pad(seeded(dtype, [2, 3, 4], i + 1), [1, 2, 5, 0, 3, 1], "reflect"),
      pad(seeded(dtype, [2, 3, 4], i + 2), [2, -1, 0, 1, 0, -2], "edge"),
      pad(seeded(dtype, [3, 1], i + 3), [1, 2, 0, 3], "edge"),
      pad(seeded(dtype, [4], i + 4), [3, 6], "wrap"),
      pad(seeded(dtype, [2, 2], i + 5), [0, 0, 0, 0]),
    ]);
    expectCasesMatchC(cases, 18, SANITIZE_CFLAGS);
  });
});
