import { describe, expect, it } from "vitest";
import { EgretError, Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const range = (shape: number[]) => Tensor.fromNumbers("float32", shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i));
const ones = (shape: number[]) => Tensor.fromNumbers("float32", shape, new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(1));

describe("Conv", () => {
  it("matches the ONNX spec example (5x5 input, 3x3 ones, pads 1)", () => {
    const [y] = interpret("Conv", [{ value: range([1, 1, 5, 5]) }, { value: ones([1, 1, 3, 3]), constant: true }], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    expect(y!.shape).toEqual([1, 1, 5, 5]);
    expect(values(y)).toEqual([12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84]);
  });

  it("handles strides with asymmetric padding (spec example)", () => {
    const [y] = interpret("Conv", [{ value: range([1, 1, 7, 5]) }, { value: ones([1, 1, 3, 3]), constant: true }], { kernel_shape: [3, 3], pads: [1, 0, 1, 0], strides: [2, 2] });
    expect(y!.shape).toEqual([1, 1, 4, 2]);
    expect(values(y)).toEqual([21, 33, 99, 117, 189, 207, 171, 183]);
  });

  const cases: [string, number[], number[], Record<string, number | number[] | string>][] = [
    ["2-D with bias, pads and strides", [2, 3, 9, 8], [4, 3, 3, 3], { pads: [1, 0, 2, 1], strides: [2, 1] }],
    ["2-D groups and dilations", [1, 4, 10, 9], [6, 2, 3, 2], { group: 2, dilations: [2, 3], pads: [1, 1, 1, 1] }],
    ["2-D depthwise with SAME_UPPER and stride 2", [1, 5, 7, 6], [5, 1, 3, 3], { group: 5, auto_pad: "SAME_UPPER", strides: [2, 2] }],
    ["2-D SAME_LOWER", [1, 2, 6, 5], [3, 2, 4, 2], { auto_pad: "SAME_LOWER" }],
    ["1-D strided and dilated", [2, 3, 17], [2, 3, 4], { strides: [3], dilations: [2], pads: [2, 1] }],
    ["3-D with padding", [1, 2, 5, 6, 4], [3, 2, 2, 3, 2], { pads: [1, 0, 1, 0, 1, 1], strides: [1, 2, 1] }],
  ];
  for (const [title, xs, ws, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      const bias = randomTensor([ws[0]!], 3);
      expectCMatchesInterpreter("Conv", [{ value: randomTensor(xs, 1) }, { value: randomTensor(ws, 2), constant: true }, { value: bias, constant: true }], attrs);
    });
  }

  it("C matches without bias and with VALID padding", () => {
    expectCMatchesInterpreter("Conv", [{ value: randomTensor([1, 2, 6, 6], 4) }, { value: randomTensor([3, 2, 3, 3], 5), constant: true }], { auto_pad: "VALID", strides: [2, 2] });
  });

  it("rejects channels not divisible by group, naming the node", () => {
    expect(() => interpret("Conv", [{ value: randomTensor([1, 3, 5, 5], 1) }, { value: randomTensor([4, 1, 3, 3], 2), constant: true }], { group: 2 })).toThrow(/node "conv_0" \(Conv\).*divisible by group/);
  });

  it("rejects a kernel larger than the padded input", () => {
    let err: unknown;
    try {
      interpret("Conv", [{ value: randomTensor([1, 1, 3, 3], 1) }, { value: randomTensor([1, 1, 5, 5], 2), constant: true }], { pads: [0, 0, 1, 1] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EgretError);
    expect((err as EgretError).subject).toBe('node "conv_0" (Conv)');
    expect((err as EgretError).message).toMatch(/larger than the padded input/);
  });

  it("rejects pads of the wrong length", () => {
    expect(() => interpret("Conv", [{ value: randomTensor([1, 1, 5, 5], 1) }, { value: randomTensor([1, 1, 3, 3], 2), constant: true }], { pads: [1, 1] })).toThrow(EgretError);
  });
});

describe("ConvTranspose", () => {
  it("matches the ONNX spec example (3x3 input, 2 output channels of ones)", () => {
    const [y] = interpret("ConvTranspose", [{ value: range([1, 1, 3, 3]) }, { value: ones([1, 2, 3, 3]), constant: true }]);
    expect(y!.shape).toEqual([1, 2, 5, 5]);
    expect(values(y).slice(0, 25)).toEqual([0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8]);
  });

  it("derives pads from output_shape", () => {
    const [y] = interpret("ConvTranspose", [{ value: range([1, 1, 3, 3]) }, { value: ones([1, 2, 3, 3]), constant: true }], { strides: [3, 2], output_shape: [10, 8] });
    expect(y!.shape).toEqual([1, 2, 10, 8]);
  });

  const cases: [string, number[], number[], Record<string, number | number[] | string>][] = [
    ["2-D strides, pads and output_padding", [2, 3, 4, 5], [3, 2, 3, 3], { strides: [3, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }],
    ["2-D groups and dilations", [1, 4, 3, 4], [4, 3, 2, 3], { group: 2, dilations: [2, 2] }],
    ["2-D SAME_UPPER", [1, 2, 3, 3], [2, 2, 3, 3], { auto_pad: "SAME_UPPER", strides: [2, 2] }],
    ["1-D", [1, 2, 6], [2, 3, 4], { strides: [2] }],
    ["3-D", [1, 1, 3, 2, 3], [1, 2, 2, 2, 3], { strides: [2, 1, 2], pads: [0, 1, 1, 0, 0, 1] }],
  ];
  for (const [title, xs, ws, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      const m = ws[1]! * ((attrs.group as number | undefined) ?? 1);
      expectCMatchesInterpreter("ConvTranspose", [{ value: randomTensor(xs, 11) }, { value: randomTensor(ws, 12), constant: true }, { value: randomTensor([m], 13), constant: true }], attrs);
    });
  }

  it("rejects a weight whose dim 0 is not the input channels", () => {
    expect(() => interpret("ConvTranspose", [{ value: randomTensor([1, 3, 4, 4], 1) }, { value: randomTensor([2, 2, 3, 3], 2), constant: true }])).toThrow(/node "convtranspose_0" \(ConvTranspose\).*dim 0/);
  });
});
