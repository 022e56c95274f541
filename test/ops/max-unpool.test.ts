import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const x = Tensor.fromNumbers("float32", [1, 1, 2, 2], [5, 6, 7, 8]);
const indices = Tensor.fromNumbers("int64", [1, 1, 2, 2], [5, 7, 13, 15]);

describe("MaxUnpool", () => {
  it("scatters into the unpooled 4x4 tensor (spec example)", () => {
    const [y] = interpret("MaxUnpool", [{ value: x }, { value: indices }], { kernel_shape: [2, 2], strides: [2, 2] }, 1, 22);
    expect(y!.shape).toEqual([1, 1, 4, 4]);
    expect(values(y)).toEqual([0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8]);
  });

  it("places the unpooled tensor in the corner of a larger output_shape", () => {
    const shape = { value: Tensor.fromNumbers("int64", [4], [1, 1, 5, 5]), constant: true };
    const [y] = interpret("MaxUnpool", [{ value: x }, { value: indices }, shape], { kernel_shape: [2, 2], strides: [2, 2] }, 1, 22);
    expect(values(y).filter((v) => v !== 0)).toEqual([5, 6, 7, 8]);
    expect(values(y)[6]).toBe(5);
    expect(values(y)[18]).toBe(8);
  });

  it("C matches the interpreter, skipping an out-of-range index", () => {
    const bad = Tensor.fromNumbers("int64", [1, 2, 2, 2], [0, 3, 9, 99, 17, 21, -1, 31]);
    const xs = Tensor.fromNumbers("float32", [1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const ref = expectCMatchesInterpreter("MaxUnpool", [{ value: xs }, { value: bad }], { kernel_shape: [2, 2], strides: [2, 2] }, 1, 22);
    expect(values(ref[0]).filter((v) => v !== 0)).toEqual([1, 2, 3, 5, 6, 8]);
  });

  it("rejects an output_shape smaller than the unpooled shape", () => {
    const shape = { value: Tensor.fromNumbers("int64", [4], [1, 1, 3, 3]), constant: true };
    expect(() => interpret("MaxUnpool", [{ value: x }, { value: indices }, shape], { kernel_shape: [2, 2], strides: [2, 2] }, 1, 22)).toThrow(/output_shape 1x1x3x3 must have rank 4 and be at least the unpooled shape 1x1x4x4/);
  });
});
