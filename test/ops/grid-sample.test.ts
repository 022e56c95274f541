import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const OPSET = 22;
const image = { value: t([1, 1, 2, 2], [1, 2, 3, 4]) };
const at = (...xy: number[]) => ({ value: t([1, 1, xy.length / 2, 2], xy) });

describe("GridSample", () => {
  it("linear: the image centre averages the four pixels; a corner edge sees a quarter pixel", () => {
    // align_corners 0: (-1, -1) is the outer corner of pixel (0, 0): weights 1/4 on it, zeros elsewhere.
    const [y] = interpret("GridSample", [image, at(0, 0, -1, -1)], {}, 1, OPSET);
    expect(values(y)).toEqual([2.5, 0.25]);
  });

  it("nearest rounds half to even; border padding clamps, zeros padding reads 0", () => {
    const [nearest] = interpret("GridSample", [image, at(0, 0)], { mode: "nearest" }, 1, OPSET);
    expect(values(nearest)).toEqual([1]);
    const [border] = interpret("GridSample", [image, at(3, 3)], { padding_mode: "border" }, 1, OPSET);
    expect(values(border)).toEqual([4]);
    const [zeros] = interpret("GridSample", [image, at(3, 3)], {}, 1, OPSET);
    expect(values(zeros)).toEqual([0]);
  });

  it("align_corners maps -1 and 1 to the corner pixel centres", () => {
    const [y] = interpret("GridSample", [image, at(1, -1)], { align_corners: 1 }, 1, OPSET);
    // x = 1 is the last column, y = -1 the first row: pixel (0, 1) = 2.
    expect(values(y)).toEqual([2]);
  });

  const grid = (shape: number[], seed: number) => ({ value: randomTensor(shape, seed, -1.3, 1.3) });
  const cases: [string, number[], number[], Record<string, string | number>][] = [
    ["linear, zeros, 2-D", [2, 3, 5, 4], [2, 3, 6, 2], {}],
    ["cubic, reflection, align_corners", [1, 2, 4, 5], [1, 5, 3, 2], { mode: "cubic", padding_mode: "reflection", align_corners: 1 }],
    ["bicubic (opset 16 name), border", [1, 1, 5, 5], [1, 4, 4, 2], { mode: "bicubic", padding_mode: "border" }],
    ["nearest, border, 3-D", [1, 2, 3, 4, 5], [1, 2, 3, 4, 3], { mode: "nearest", padding_mode: "border" }],
    ["linear, reflection, 3-D", [1, 1, 3, 3, 4], [1, 3, 2, 2, 3], { padding_mode: "reflection" }],
  ];
  for (const [title, xShape, gShape, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      expectCMatchesInterpreter("GridSample", [{ value: randomTensor(xShape, 7, -2, 2) }, grid(gShape, 8)], attrs, 1, OPSET);
    });
  }

  it("rejects a grid whose last dim is not the number of spatial axes", () => {
    expect(() => interpret("GridSample", [image, { value: t([1, 1, 1, 3], [0, 0, 0]) }], {}, 1, OPSET)).toThrow(/node "gridsample_0" \(GridSample\): grid must be \[N, O1..O2, 2\]/);
  });

  it("rejects an unknown mode", () => {
    expect(() => interpret("GridSample", [image, at(0, 0)], { mode: "area" }, 1, OPSET)).toThrow(/mode "area" is not one of/);
  });
});
