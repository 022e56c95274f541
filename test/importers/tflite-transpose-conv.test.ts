import { Builder } from "flatbuffers";
import { describe, expect, it } from "vitest";
import { importTflite } from "../../src/importers/tflite/index.js";
import { EgretError, runGraph, Tensor } from "../../src/index.js";
import { compareClose, compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";
import { bytesOf, singleOperatorModel, TENSOR_TYPE, type TensorSpec } from "./tflite-builder.js";

/**
 * TRANSPOSE_CONV import beyond the SEANet layers (VALID only, int16): SAME padding, float tensors
 * and int8 with int32 bias, on single-operator models written here. The reference is a direct
 * float64 scatter written in this file (padding = floor((full - out) / 2), full = (in - 1) * s + k).
 */

const TRANSPOSE_CONV = 67;
const TRANSPOSE_CONV_OPTIONS = 49;
const SAME = 0;
const VALID = 1;

interface Geometry {
  readonly x: [number, number, number, number];
  readonly kernel: [number, number];
  readonly outChannels: number;
  readonly strides: [number, number];
  readonly padding: number;
}

/** TFLite's output size: SAME in * stride, VALID (in - 1) * stride + kernel. */
function outputShape(g: Geometry): [number, number, number, number] {
  const size = (i: 0 | 1) => (g.padding === SAME ? g.x[i + 1]! * g.strides[i] : (g.x[i + 1]! - 1) * g.strides[i] + g.kernel[i]);
  return [g.x[0], size(0), size(1), g.outChannels];
}

function reference(g: Geometry, x: Float64Array, w: Float64Array, bias: Float64Array): Float64Array {
  const [n, h, wd, c] = g.x;
  const [, oh, ow, o] = outputShape(g);
  const [kh, kw] = g.kernel;
  const padTop = Math.floor(Math.max(0, (h - 1) * g.strides[0] + kh - oh) / 2);
  const padLeft = Math.floor(Math.max(0, (wd - 1) * g.strides[1] + kw - ow) / 2);
  const out = new Float64Array(n * oh * ow * o);
  for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let oc = 0; oc < o; oc++) out[((b * oh + y) * ow + xx) * o + oc] = bias[oc]!;
  for (let b = 0; b < n; b++) for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < wd; ix++) for (let ic = 0; ic < c; ic++) {
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const y = iy * g.strides[0] - padTop + ky;
      const xx = ix * g.strides[1] - padLeft + kx;
      if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
      const v = x[((b * h + iy) * wd + ix) * c + ic]!;
      for (let oc = 0; oc < o; oc++) {
        const at = ((b * oh + y) * ow + xx) * o + oc;
        out[at] = out[at]! + v * w[((oc * kh + ky) * kw + kx) * c + ic]!;
      }
    }
  }
  return out;
}

function options(g: Geometry) {
  return (b: Builder) => {
    b.startObject(4);
    b.addFieldInt8(0, g.padding, -1);
    b.addFieldInt32(1, g.strides[1], -1);
    b.addFieldInt32(2, g.strides[0], -1);
    return b.endObject();
  };
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const uniform = (r: () => number, n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => lo + (hi - lo) * r());

/** tensors: 0 output_shape, 1 weights, 2 input, 3 bias, 4 output. */
function model(g: Geometry, specs: { w: TensorSpec; bias: TensorSpec; xType: number; xQuant?: TensorSpec["quant"]; yQuant?: TensorSpec["quant"] }, shapeAsInput: boolean, declared = outputShape(g)): Uint8Array {
  const shapeTensor: TensorSpec = { name: "output_shape", shape: [4], type: TENSOR_TYPE.int32, ...(shapeAsInput ? {} : { data: bytesOf(Int32Array.from(declared)) }) };
  const tensors: TensorSpec[] = [
    shapeTensor, specs.w,
    { name: "x", shape: g.x, type: specs.xType, ...(specs.xQuant ? { quant: specs.xQuant } : {}) },
    specs.bias,
    { name: "y", shape: outputShape(g), type: specs.xType, ...(specs.yQuant ? { quant: specs.yQuant } : {}) },
  ];
  return singleOperatorModel(tensors, shapeAsInput ? [0, 2] : [2], [4], {
    builtin: TRANSPOSE_CONV, inputs: [0, 1, 2, 3], outputs: [4], optionsType: TRANSPOSE_CONV_OPTIONS, options: options(g),
  });
}

const GEOMETRIES: Geometry[] = [
  { x: [1, 3, 4, 2], kernel: [3, 3], outChannels: 3, strides: [2, 2], padding: SAME },
  { x: [2, 2, 3, 3], kernel: [2, 4], outChannels: 2, strides: [2, 2], padding: SAME },
  { x: [1, 3, 2, 2], kernel: [3, 2], outChannels: 4, strides: [1, 3], padding: VALID },
];

describe("TRANSPOSE_CONV on float tensors (ConvTranspose between NHWC transposes)", () => {
  it.each(GEOMETRIES.map((g, i) => [i, g] as const))("geometry %i matches the direct scatter; the C agrees", (i, g) => {
    const r = rng(300 + i);
    const w = uniform(r, g.outChannels * g.kernel[0] * g.kernel[1] * g.x[3], -1, 1);
    const bias = uniform(r, g.outChannels, -1, 1);
    const bytes = model(g, {
      w: { name: "w", shape: [g.outChannels, ...g.kernel, g.x[3]], type: TENSOR_TYPE.float32, data: bytesOf(Float32Array.from(w)) },
      bias: { name: "b", shape: [g.outChannels], type: TENSOR_TYPE.float32, data: bytesOf(Float32Array.from(bias)) },
      xType: TENSOR_TYPE.float32,
    }, false);
    const graph = importTflite(bytes, `tconv_float${i}.tflite`);
    const x = Tensor.fromNumbers("float32", g.x, uniform(r, count(g.x), -2, 2));
    const [y] = runGraph(graph, [x]);
    const want = Tensor.fromNumbers("float32", outputShape(g), reference(g, x.toNumbers(), Float64Array.from(Float32Array.from(w)), Float64Array.from(Float32Array.from(bias))));
    expect(y!.shape).toEqual(outputShape(g));
    const cmp = compareClose(y!, want);
    expect(cmp.ok, `max |diff| ${cmp.maxAbs}`).toBe(true);
    const [c] = compileAndRun(graph, [x]);
    expect(compareClose(c!, y!).ok).toBe(true);
  });
});

describe("TRANSPOSE_CONV on int8 tensors (QTransposeConv2D, int32 bias)", () => {
  it.each(GEOMETRIES.map((g, i) => [i, g] as const))("geometry %i: within one step of the float scatter; the C bit-exact", (i, g) => {
    const r = rng(400 + i);
    const [xs, xz, ys, yz] = [0.05, -3, 0.06, 2];
    const ws = Array.from({ length: g.outChannels }, () => Math.fround(0.005 + 0.01 * r()));
    const inner = g.kernel[0] * g.kernel[1] * g.x[3];
    const wq = Int8Array.from({ length: g.outChannels * inner }, () => Math.round(-127 + 254 * r()));
    const bq = Int32Array.from({ length: g.outChannels }, () => Math.round(-400 + 800 * r()));
    const bytes = model(g, {
      w: { name: "w", shape: [g.outChannels, ...g.kernel, g.x[3]], type: TENSOR_TYPE.int8, data: bytesOf(wq), quant: { scale: ws, zeroPoint: ws.map(() => 0), axis: 0 } },
      bias: { name: "b", shape: [g.outChannels], type: TENSOR_TYPE.int32, data: bytesOf(bq), quant: { scale: ws.map((s) => xs * s), zeroPoint: ws.map(() => 0) } },
      xType: TENSOR_TYPE.int8, xQuant: { scale: [xs], zeroPoint: [xz] }, yQuant: { scale: [ys], zeroPoint: [yz] },
    }, true);
    const graph = importTflite(bytes, `tconv_int8_${i}.tflite`);
    expect(graph.nodes.map((n) => n.op)).toEqual(["QTransposeConv2D"]);
    const xq = Tensor.fromNumbers("int8", g.x, Array.from({ length: count(g.x) }, () => Math.round(-128 + 255 * r())));
    const shapeFeed = Tensor.fromNumbers("int32", [4], outputShape(g));
    const [y] = runGraph(graph, [shapeFeed, xq]);
    // Float reference on the dequantized values, requantized: the integer kernel rounds twice.
    const wReal = Float64Array.from(wq, (v, k) => v * ws[Math.floor(k / inner)]!);
    const real = reference(g, Float64Array.from(xq.toNumbers(), (v) => xs * (v - xz)), wReal, Float64Array.from(bq, (v, k) => v * Math.fround(xs * ws[k]!)));
    const got = y!.toNumbers();
    let worst = 0;
    real.forEach((v, k) => { worst = Math.max(worst, Math.abs(got[k]! - Math.min(127, Math.max(-128, Math.round(v / ys) + yz)))); });
    expect(worst).toBeLessThanOrEqual(1);
    expect(new Set(got).size).toBeGreaterThan(20);
    const [c] = compileAndRun(graph, [shapeFeed, xq], { cflags: SANITIZE_CFLAGS });
    expect(Array.from(c!.toNumbers())).toEqual(Array.from(got));
  });

  it("rejects a constant output_shape that disagrees with the output tensor, naming the tensor", () => {
    const g = GEOMETRIES[0]!;
    const bytes = model(g, {
      w: { name: "w", shape: [g.outChannels, ...g.kernel, g.x[3]], type: TENSOR_TYPE.float32, data: bytesOf(new Float32Array(g.outChannels * 9 * g.x[3])) },
      bias: { name: "b", shape: [g.outChannels], type: TENSOR_TYPE.float32, data: bytesOf(new Float32Array(g.outChannels)) },
      xType: TENSOR_TYPE.float32,
    }, false, [1, 5, 8, 3]);
    let error: unknown;
    try { importTflite(bytes, "bad.tflite"); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(EgretError);
    expect((error as EgretError).message).toMatch(/output_shape input "output_shape" holds \[1,5,8,3\]/);
  });
});
