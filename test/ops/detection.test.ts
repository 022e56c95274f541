import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";
import { randomTensor, rng, type TestInput } from "../support/graphs.js";
import { expectCMatchesInterpreter, interpret, values } from "./nn-support.js";

const t = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const OPSET = 22;

/** Six boxes [y1, x1, y2, x2] (the ONNX spec example): 0-2 overlap heavily, 3-5 too, further down. */
const boxes = t([1, 6, 4], [0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9, 0, 10, 1, 11, 0, 10.1, 1, 11.1, 0, 100, 1, 101]);
const scores = t([1, 1, 6], [0.9, 0.75, 0.6, 0.95, 0.5, 0.3]);

function nms(attrs: Record<string, number>, rows: number): number[][] {
  const [y] = interpret("NonMaxSuppression", [{ value: boxes }, { value: scores }], attrs, 1, OPSET);
  expect(y!.shape).toEqual([rows, 3]);
  const v = values(y);
  return Array.from({ length: rows }, (_, i) => v.slice(3 * i, 3 * i + 3));
}

describe("NonMaxSuppression", () => {
  it("keeps the best box of each overlapping group (spec example)", () => {
    expect(nms({ max_output_boxes_per_class: 3, iou_threshold: 0.5, score_threshold: 0 }, 3)).toEqual([[0, 0, 3], [0, 0, 0], [0, 0, 5]]);
  });

  it("pads the static output with -1 rows when fewer boxes survive", () => {
    expect(nms({ max_output_boxes_per_class: 3, iou_threshold: 0.5, score_threshold: 0.4 }, 3)).toEqual([[0, 0, 3], [0, 0, 0], [-1, -1, -1]]);
  });

  it("C matches the interpreter: several batches and classes, centre-point boxes, ties", () => {
    const r = rng(5);
    // Boxes on a coarse grid so that ties in score and exact IoU boundaries occur.
    const centre = Tensor.fromNumbers("float32", [2, 12, 4], Array.from({ length: 96 }, (_, i) => (i % 4 < 2 ? Math.floor(r() * 4) : 1 + Math.floor(r() * 2))));
    const sc = Tensor.fromNumbers("float32", [2, 3, 12], Array.from({ length: 72 }, () => Math.floor(r() * 5) / 4));
    expectCMatchesInterpreter("NonMaxSuppression", [{ value: centre }, { value: sc }], { max_output_boxes_per_class: 5, iou_threshold: 0.3, score_threshold: 0.2, center_point_box: 1 }, 1, OPSET);
  });

  it("rejects scores whose box count differs from boxes", () => {
    expect(() => interpret("NonMaxSuppression", [{ value: boxes }, { value: t([1, 1, 5], [1, 1, 1, 1, 1]) }], {}, 1, OPSET)).toThrow(/node "nonmaxsuppression_0" \(NonMaxSuppression\): scores must be \[1, classes, 6\]/);
  });
});

describe("RoiAlign", () => {
  const x = { value: t([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i)) };
  const batch = (v: number[]): TestInput => ({ value: Tensor.fromNumbers("int64", [v.length], v) });

  it("averages bilinear samples of a linear ramp to the bin centre's value (hand-checked)", () => {
    // On x[h, w] = 4h + w bilinear sampling is exact; ROI (0,0)-(2,2), half_pixel, one 1x1 bin:
    // the samples average to the value at the bin centre (0.5, 0.5): 4 * 0.5 + 0.5 = 2.5.
    const [y] = interpret("RoiAlign", [x, { value: t([1, 4], [0, 0, 2, 2]) }, batch([0])], { output_height: 1, output_width: 1, sampling_ratio: 2 }, 1, OPSET);
    expect(values(y)[0]).toBeCloseTo(2.5, 6);
  });

  const cases: [string, Record<string, number | string>][] = [
    ["avg, half_pixel, adaptive sampling", { output_height: 3, output_width: 2, spatial_scale: 0.5 }],
    ["max, output_half_pixel", { output_height: 2, output_width: 2, sampling_ratio: 2, mode: "max", coordinate_transformation_mode: "output_half_pixel" }],
  ];
  for (const [title, attrs] of cases) {
    it(`C matches the interpreter: ${title}`, () => {
      const rois = t([3, 4], [0, 0, 9, 9, 2, 3, 14, 11, 5, 5, 6, 6]);
      expectCMatchesInterpreter("RoiAlign", [{ value: randomTensor([2, 3, 8, 8], 3) }, { value: rois }, batch([1, 0, 1])], attrs, 1, OPSET);
    });
  }

  it("opset 10 defaults to output_half_pixel", () => {
    const rois = { value: t([1, 4], [0, 0, 2, 2]) };
    const [v10] = interpret("RoiAlign", [x, rois, batch([0])], { sampling_ratio: 2 }, 1, 10);
    const [explicit] = interpret("RoiAlign", [x, rois, batch([0])], { sampling_ratio: 2, coordinate_transformation_mode: "output_half_pixel" }, 1, OPSET);
    expect(values(v10)).toEqual(values(explicit));
    expect(values(v10)[0]).toBeCloseTo(5, 6);
  });

  it("rejects rois that are not [R, 4]", () => {
    expect(() => interpret("RoiAlign", [x, { value: t([1, 3], [0, 0, 1]) }, batch([0])], {}, 1, OPSET)).toThrow(/rois must be \[num_rois, 4\]/);
  });
});
