import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type AttrValue } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { fanOutGraph, randomTensor, singleNodeGraph } from "../support/graphs.js";
import { errorOf } from "../support/errors.js";

const f32 = (shape: number[], v: number[]) => Tensor.fromNumbers("float32", shape, v);
const IMAGE_2X2 = f32([1, 1, 2, 2], [1, 2, 3, 4]);
const IMAGE_2X4 = f32([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]);

function resize(x: Tensor, attrs: Record<string, AttrValue>, op = "Resize", opset = 17): number[] {
  const { graph, feeds } = singleNodeGraph(op, [{ value: x }], attrs, 1, opset);
  return Array.from(runGraph(graph, feeds)[0]!.toNumbers());
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
}



const SANITIZE = SANITIZE_CFLAGS;

describe("Resize reference semantics (ONNX spec examples)", () => {
  it("upsample nearest by scales", () => {
    expect(resize(IMAGE_2X2, { mode: "nearest", scales: [1, 1, 2, 3] })).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
  });
  it("upsample linear, half_pixel and align_corners", () => {
    expectClose(resize(IMAGE_2X2, { mode: "linear", scales: [1, 1, 2, 2] }), [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    const t = 1 / 3;
    expectClose(resize(IMAGE_2X2, { mode: "linear", scales: [1, 1, 2, 2], coordinate_transformation_mode: "align_corners" }), [
      1, 1 + t, 1 + 2 * t, 2, 1 + 2 * t, 2, 2 + t, 2 + 2 * t, 2 + t, 2 + 2 * t, 3, 3 + t, 3, 3 + t, 3 + 2 * t, 4,
    ]);
  });
  it("downsample by scales: nearest, linear, linear align_corners", () => {
    expect(resize(IMAGE_2X4, { mode: "nearest", scales: [1, 1, 0.6, 0.6] })).toEqual([1, 3]);
    expectClose(resize(IMAGE_2X4, { mode: "linear", scales: [1, 1, 0.6, 0.6] }), [2.6666665, 4.3333331]);
    expectClose(resize(IMAGE_2X4, { mode: "linear", scales: [1, 1, 0.6, 0.6], coordinate_transformation_mode: "align_corners" }), [1, 3.142857]);
  });
  it("nearest by sizes with ceil/half_pixel and floor/align_corners", () => {
    const x = f32([1, 1, 1, 4], [1, 2, 3, 4]);
    expect(resize(x, { sizes: [1, 1, 1, 8], nearest_mode: "ceil" })).toEqual([1, 2, 2, 3, 3, 4, 4, 4]);
    expect(resize(x, { sizes: [1, 1, 1, 8], nearest_mode: "floor", coordinate_transformation_mode: "align_corners" })).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
  });
  it("tf_crop_and_resize writes the extrapolation value outside the crop", () => {
    const x = f32([1, 1, 1, 4], [1, 2, 3, 4]);
    const y = resize(x, { mode: "linear", sizes: [1, 1, 1, 3], roi: [0, 0, 0, 0.5, 1, 1, 1, 1.5], coordinate_transformation_mode: "tf_crop_and_resize", extrapolation_value: 10 });
    expectClose(y, [2.5, 4, 10]);
  });
  it("cubic keeps an integer grid exact and interpolates between samples", () => {
    const x = f32([1, 4], [1, 2, 3, 4]);
    const y = resize(x, { mode: "cubic", scales: [1, 2], coordinate_transformation_mode: "asymmetric" });
    expectClose([y[0]!, y[2]!, y[4]!, y[6]!], [1, 2, 3, 4]);
    expectClose([y[3]!], [2.5]);
  });
});

describe("Upsample and Resize-10 (asymmetric, floor)", () => {
  const expected = [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4];
  it("Upsample-7 scales attribute and Upsample-9 constant scales input", () => {
    expect(resize(IMAGE_2X2, { mode: "nearest", scales: [1, 1, 2, 3] }, "Upsample", 7)).toEqual(expected);
    const { graph, feeds } = singleNodeGraph("Upsample", [{ value: IMAGE_2X2 }, { value: f32([4], [1, 1, 2, 3]), constant: true }], { mode: "nearest" }, 1, 9);
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual(expected);
  });
  it("Resize-10 takes scales as input 1", () => {
    const { graph, feeds } = singleNodeGraph("Resize", [{ value: IMAGE_2X2 }, { value: f32([4], [1, 1, 2, 3]), constant: true }], { mode: "nearest" }, 1, 10);
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual(expected);
  });
});

describe("Resize generated C matches the interpreter (under sanitizers)", () => {
  it("every mode and coordinate transformation, 1 to 4 passes", () => {
    const x = randomTensor([2, 3, 5, 6], 21);
    const coords = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"];
    const nodes: { op: string; attrs: Record<string, AttrValue> }[] = [];
    for (const mode of ["nearest", "linear", "cubic"]) {
      coords.forEach((coordinate_transformation_mode, i) => {
        nodes.push({ op: "Resize", attrs: { mode, coordinate_transformation_mode, scales: [1, 1, i % 2 ? 0.6 : 1.7, 2.5] } });
      });
    }
    nodes.push({ op: "Resize", attrs: { mode: "nearest", nearest_mode: "round_prefer_ceil", sizes: [2, 3, 7, 4] } });
    nodes.push({ op: "Resize", attrs: { mode: "cubic", exclude_outside: 1, cubic_coeff_a: -0.5, sizes: [2, 3, 9, 3] } });
    nodes.push({ op: "Resize", attrs: { mode: "linear", sizes: [3, 5, 4, 8] } }); // four passes: ping-pong buffers
    nodes.push({ op: "Resize", attrs: { mode: "linear", sizes: [2, 3, 5, 6] } }); // identity: a copy
    nodes.push({
      op: "Resize",
      attrs: { mode: "linear", coordinate_transformation_mode: "tf_crop_and_resize", roi: [0, 0, 0.2, -0.3, 1, 1, 0.9, 1.2], sizes: [2, 3, 4, 7], extrapolation_value: -2 },
    });
    nodes.push({ op: "Upsample", attrs: { mode: "linear", scales: [1, 2, 2, 1.5] } });
    const graph = fanOutGraph(x, nodes);
    const ref = runGraph(graph, [x]);
    const got = compileAndRun(graph, [x], { cflags: SANITIZE });
    ref.forEach((r, i) => {
      const cmp = compareClose(got[i]!, r);
      expect(cmp.ok, `${graph.nodes[i]!.name} differs by ${cmp.maxAbs}`).toBe(true);
    });
  });
});

describe("Resize opset 18/19 forms", () => {
  const x = randomTensor([2, 3, 6, 7], 31);
  it("axes: scales or sizes for some axes equal the full-rank form", () => {
    expect(resize(x, { mode: "linear", scales: [0.5, 2], axes: [3, 2] }, "Resize", 18)).toEqual(resize(x, { mode: "linear", scales: [1, 1, 2, 0.5] }));
    expect(resize(x, { mode: "cubic", sizes: [4, 9], axes: [-2, -1] }, "Resize", 18)).toEqual(resize(x, { mode: "cubic", sizes: [2, 3, 4, 9] }));
  });

  it("keep_aspect_ratio_policy scales every given axis by one factor and rounds half up", () => {
    const shape = (attrs: Record<string, AttrValue>) => singleNodeGraph("Resize", [{ value: x }], attrs, 1, 18).graph.outputs[0]!.shape;
    // 6x7 into 3x5: not_larger scales by 1/2 (3x3.5 -> 3x4), not_smaller by 5/7 (4.29 -> 4, 5).
    expect(shape({ sizes: [3, 5], axes: [2, 3], keep_aspect_ratio_policy: "not_larger" })).toEqual([2, 3, 3, 4]);
    expect(shape({ sizes: [3, 5], axes: [2, 3], keep_aspect_ratio_policy: "not_smaller" })).toEqual([2, 3, 4, 5]);
  });

  it("antialias averages more inputs when downsampling: a constant stays constant, spikes are not missed", () => {
    const flat = resize(f32([1, 12], new Array<number>(12).fill(3)), { mode: "cubic", scales: [1, 0.25], antialias: 1 }, "Resize", 18);
    expectClose(flat, [3, 3, 3]); // the filter is normalised
    const spikes = f32([1, 12], [0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0, 8]);
    const aa = resize(spikes, { mode: "linear", scales: [1, 0.25], antialias: 1 }, "Resize", 18);
    expect(resize(spikes, { mode: "linear", scales: [1, 0.25] })).toEqual([0, 0, 0]); // samples miss every spike
    aa.forEach((v) => expect(v).toBeGreaterThan(1));
  });

  it("the generated C matches the interpreter: axes, antialias, half_pixel_symmetric, policies", () => {
    const nodes: { op: string; attrs: Record<string, AttrValue> }[] = [
      { op: "Resize", attrs: { mode: "linear", antialias: 1, scales: [0.4, 0.3], axes: [2, 3] } },
      { op: "Resize", attrs: { mode: "cubic", antialias: 1, sizes: [4, 3], axes: [2, 3] } },
      { op: "Resize", attrs: { mode: "linear", coordinate_transformation_mode: "half_pixel_symmetric", scales: [1, 1, 0.7, 1.6] } },
      { op: "Resize", attrs: { mode: "nearest", sizes: [5, 5], axes: [2, 3], keep_aspect_ratio_policy: "not_larger" } },
      { op: "Resize", attrs: { mode: "linear", coordinate_transformation_mode: "tf_crop_and_resize", roi: [0.1, 0.9], sizes: [5], axes: [3] } },
    ];
    const graph = fanOutGraph(x, nodes.map((n) => ({ ...n, attrs: n.attrs })));
    const ref = runGraph(graph, [x]);
    const got = compileAndRun(graph, [x], { cflags: SANITIZE });
    ref.forEach((r, i) => {
      const cmp = compareClose(got[i]!, r);
      expect(cmp.ok, `${graph.nodes[i]!.name} differs by ${cmp.maxAbs}`).toBe(true);
    });
  });
});

describe("Resize errors name the node", () => {
  const x = randomTensor([1, 1, 2, 2], 3);
  it("rejects an unknown mode", () => {
    const e = errorOf(() => singleNodeGraph("Resize", [{ value: x }], { mode: "bicubic", scales: [1, 1, 2, 2] }));
    expect(e.message).toContain('node "resize_0" (Resize)');
    expect(e.message).toContain('mode "bicubic" is not supported');
  });
  it("rejects missing or doubled scales/sizes and wrong lengths", () => {
    expect(errorOf(() => singleNodeGraph("Resize", [{ value: x }], {})).message).toContain("exactly one of scales and sizes");
    expect(errorOf(() => singleNodeGraph("Resize", [{ value: x }], { scales: [2, 2] })).message).toContain("2 entries for 4 axes (rank 4)");
    expect(errorOf(() => singleNodeGraph("Resize", [{ value: x }], { scales: [2, 2], axes: [3, -1] }, 1, 18)).message).toContain("must be distinct axes");
  });
  it("rejects antialias with nearest, integer data and downsampling Upsample", () => {
    expect(errorOf(() => singleNodeGraph("Resize", [{ value: x }], { scales: [1, 1, 2, 2], antialias: 1 })).message).toContain("antialias applies to");
    expect(errorOf(() => singleNodeGraph("Resize", [{ value: Tensor.fromNumbers("int32", [2], [1, 2]) }], { scales: [2] })).code).toBe("unsupported-dtype");
    expect(errorOf(() => singleNodeGraph("Upsample", [{ value: x }], { scales: [1, 1, 0.5, 1] })).message).toContain("must all be >= 1");
  });
});
