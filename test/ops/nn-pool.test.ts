import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const range = (shape: number[]) => Tensor.fromNumbers("float32", shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1));

describe("MaxPool / AveragePool known values", () => {
  it("MaxPool 2x2 stride 2 on 1..16 (4x4)", () => {
    const [y] = interpret("MaxPool", [{ value: range([1, 1, 4, 4]) }], { kernel_shape: [2, 2], strides: [2, 2] });
    expect(values(y)).toEqual([6, 8, 14, 16]);
  });

  it("MaxPool ceil_mode keeps the partial last window (spec example)", () => {
    const [y] = interpret("MaxPool", [{ value: range([1, 1, 4, 4]) }], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
    expect(values(y)).toEqual([11, 12, 15, 16]);
  });

  it("MaxPool returns flat argmax indices", () => {
    const [, idx] = interpret("MaxPool", [{ value: range([1, 2, 2, 2]) }], { kernel_shape: [2, 2] }, 2);
    expect(idx!.dtype).toBe("int64");
    expect(values(idx)).toEqual([3, 7]);
  });

  it("AveragePool pads with and without count_include_pad (spec precomputed_pads)", () => {
    const x = range([1, 1, 5, 5]);
    const [excl] = interpret("AveragePool", [{ value: x }], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] });
    const [incl] = interpret("AveragePool", [{ value: x }], { kernel_shape: [5, 5], pads: [2, 2, 2, 2], count_include_pad: 1 });
    expect(values(excl).slice(0, 3)).toEqual([7, 7.5, 8]);
    expect(values(incl)[0]).toBeCloseTo(63 / 25, 5);
  });

  it("GlobalAveragePool and GlobalMaxPool reduce every spatial axis", () => {
    const [avg] = interpret("GlobalAveragePool", [{ value: range([1, 2, 2, 2]) }]);
    const [max] = interpret("GlobalMaxPool", [{ value: range([1, 2, 2, 2]) }]);
    expect(avg!.shape).toEqual([1, 2, 1, 1]);
    expect(values(avg)).toEqual([2.5, 6.5]);
    expect(values(max)).toEqual([4, 8]);
  });
});

describe("pooling: C matches the interpreter", () => {
  const cases: [string, "MaxPool" | "AveragePool", number[], Record<string, number | number[] | string>][] = [
    ["MaxPool 2-D pads, strides, dilations", "MaxPool", [2, 3, 9, 10], { kernel_shape: [3, 2], strides: [2, 3], pads: [1, 1, 1, 0], dilations: [2, 1] }],
    ["MaxPool 2-D ceil_mode SAME_LOWER", "MaxPool", [1, 2, 7, 8], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_LOWER" }],
    ["MaxPool 1-D ceil_mode", "MaxPool", [1, 3, 11], { kernel_shape: [3], strides: [2], ceil_mode: 1 }],
    ["MaxPool 3-D", "MaxPool", [1, 2, 4, 5, 6], { kernel_shape: [2, 2, 3], strides: [2, 1, 2], pads: [0, 1, 1, 1, 0, 1] }],
    ["AveragePool exclude pad, ceil_mode", "AveragePool", [2, 2, 8, 7], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }],
    ["AveragePool include pad", "AveragePool", [1, 3, 6, 6], { kernel_shape: [3, 2], pads: [1, 1, 2, 1], count_include_pad: 1 }],
    ["AveragePool SAME_UPPER 3-D", "AveragePool", [1, 2, 3, 4, 5], { kernel_shape: [2, 3, 2], strides: [1, 2, 2], auto_pad: "SAME_UPPER" }],
  ];
  for (const [title, op, xs, attrs] of cases) {
    it(title, () => {
      expectCMatchesInterpreter(op, [{ value: randomTensor(xs, 21) }], attrs);
    });
  }

  it("MaxPool with its Indices output (row- and column-major)", () => {
    expectCMatchesInterpreter("MaxPool", [{ value: randomTensor([1, 2, 6, 5], 22) }], { kernel_shape: [2, 2], strides: [2, 1], pads: [1, 0, 0, 1] }, 2);
    expectCMatchesInterpreter("MaxPool", [{ value: randomTensor([1, 2, 6, 5], 23) }], { kernel_shape: [3, 2], storage_order: 1 }, 2);
  });

  it("MaxPool on uint8 and int32 inputs (generic C)", () => {
    const ints = (dtype: "uint8" | "int32", seed: number) => Tensor.fromNumbers(dtype, [1, 2, 5, 6], values(randomTensor([1, 2, 5, 6], seed, dtype === "uint8" ? 0 : -1000, dtype === "uint8" ? 255 : 1000)));
    const [u8] = expectCMatchesInterpreter("MaxPool", [{ value: ints("uint8", 26) }], { kernel_shape: [2, 3], pads: [1, 1, 0, 1], strides: [2, 2] });
    expect(u8!.dtype).toBe("uint8");
    expectCMatchesInterpreter("MaxPool", [{ value: ints("int32", 27) }], { kernel_shape: [3, 3], ceil_mode: 1, strides: [2, 2] }, 2);
  });

  it("GlobalAveragePool and GlobalMaxPool", () => {
    expectCMatchesInterpreter("GlobalAveragePool", [{ value: randomTensor([2, 3, 5, 4], 24) }]);
    expectCMatchesInterpreter("GlobalMaxPool", [{ value: randomTensor([2, 3, 7], 25) }]);
  });
});

describe("pooling attribute errors", () => {
  it("rejects a missing kernel_shape, naming the node", () => {
    expect(() => interpret("MaxPool", [{ value: randomTensor([1, 1, 4, 4], 1) }])).toThrow(/node "maxpool_0" \(MaxPool\).*kernel_shape/);
  });

  it("rejects a kernel larger than the padded input", () => {
    expect(() => interpret("AveragePool", [{ value: randomTensor([1, 1, 4, 4], 1) }], { kernel_shape: [6, 2] })).toThrow(/node "averagepool_0" \(AveragePool\).*larger than the padded input/);
  });

  it("rejects pads as large as the kernel", () => {
    expect(() => interpret("MaxPool", [{ value: randomTensor([1, 1, 4, 4], 1) }], { kernel_shape: [2, 2], pads: [2, 0, 0, 0] })).toThrow(/pads must be smaller/);
  });
});
