import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { constant, expectCasesMatchC, expectNodeError, i64, input, interpretNode, iota, seeded, valuesOf } from "./tensor-support.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
type Ints = (number | bigint)[];
const slice = (x: Tensor, starts: Ints, ends: Ints, axes?: number[], steps?: number[]) => ({
  op: "Slice",
  inputs: [input(x), constant(i64(starts)), constant(i64(ends)), axes ? constant(i64(axes)) : undefined, steps ? constant(i64(steps)) : undefined],
});

describe("Slice", () => {
  const x = Tensor.fromNumbers("float32", [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);
  it("spec examples: steps and negative/large ends", () => {
    const [a] = interpretNode(slice(x, [1, 0], [2, 3], [0, 1], [1, 2]));
    expect(a!.shape).toEqual([1, 2]);
    expect(valuesOf(a)).toEqual([5, 7]);
    const [b] = interpretNode(slice(x, [0, 1], [-1, 1000]));
    expect(valuesOf(b)).toEqual([2, 3, 4]);
  });

  it("negative steps walk backwards; INT64_MAX / INT64_MIN clamp", () => {
    const [a] = interpretNode(slice(x, [-1, INT64_MAX], [INT64_MIN, -INT64_MAX], [0, 1], [-1, -2]));
    expect(a!.shape).toEqual([2, 2]);
    expect(valuesOf(a)).toEqual([8, 6, 4, 2]);
    const [b] = interpretNode(slice(x, [1], [INT64_MAX], [1]));
    expect(valuesOf(b)).toEqual([2, 3, 4, 6, 7, 8]);
    const [c] = interpretNode(slice(iota([20, 10, 5]), [20, 10, 4], [0, 0, 1], [0, 1, 2], [-1, -3, -2]));
    expect(c!.shape).toEqual([19, 3, 2]);
  });

  it("out-of-bounds starts give empty outputs; negative axes count from the end", () => {
    const [a] = interpretNode(slice(iota([20, 10, 5]), [1000], [1000], [1]));
    expect(a!.shape).toEqual([20, 0, 5]);
    const [b] = interpretNode(slice(iota([20, 10, 5]), [0, 0, 3], [20, 10, 4], [0, -2, -1]));
    expect(b!.shape).toEqual([20, 10, 1]);
  });

  it("opset 1 takes starts/ends/axes attributes", () => {
    const [a] = interpretNode({ op: "Slice", inputs: [input(x)], attrs: { starts: [1], ends: [3], axes: [1] } }, 1);
    expect(valuesOf(a)).toEqual([2, 3, 6, 7]);
  });

  it("rejects zero steps, repeated axes and mismatched lengths", () => {
    expectNodeError(slice(x, [0], [2], [0], [0]), /steps must be non-zero/);
    expectNodeError(slice(x, [0, 0], [1, 1], [1, -1]), /sliced twice/);
    expectNodeError(slice(x, [0, 0], [1]), /one entry per sliced axis/);
  });

  it("C matches the interpreter for several dtypes, steps and reversals (ASan + UBSan)", () => {
    const cases = (["float32", "int64", "bool", "uint8", "float16", "int8"] as const).flatMap((dtype, i) => [
      slice(seeded(dtype, [5, 6, 7], i), [1, -2], [4, 0], [0, 1], [2, -1]),
      slice(seeded(dtype, [5, 6, 7], i + 1), [INT64_MAX, 1], [INT64_MIN, INT64_MAX], [2, 0], [-3, 1]),
      slice(seeded(dtype, [4, 3], i + 2), [0], [2]),
      slice(seeded(dtype, [4, 3], i + 3), [5], [9], [0]),
    ]);
    expectCasesMatchC(cases, 17, SANITIZE_CFLAGS);
  });
});
