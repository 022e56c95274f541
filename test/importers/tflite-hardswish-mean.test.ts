import { Builder } from "flatbuffers";
import { describe, expect, it } from "vitest";
import { importTflite } from "../../src/importers/tflite/index.js";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";
import { bytesOf, singleOperatorModel, TENSOR_TYPE } from "./tflite-builder.js";

/**
 * int8 HARD_SWISH and MEAN through the TFLite importer (no corpus model has them): single-operator
 * models written here, checked against the real functions on dequantized values (within one
 * output step) and the generated C against the evaluator bit for bit.
 */

const MEAN = 40;
const HARD_SWISH = 117;
const REDUCER_OPTIONS = 27;

const randomInt8 = (shape: number[], seed: number) => {
  const r = rng(seed);
  return Tensor.fromNumbers("int8", shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round(-128 + 255 * r())));
};

function expectCEqualsEvaluator(graph: Graph, x: Tensor): Float64Array {
  const [y] = runGraph(graph, [x]);
  const [c] = compileAndRun(graph, [x], { cflags: SANITIZE_CFLAGS });
  expect(Array.from(c!.toNumbers())).toEqual(Array.from(y!.toNumbers()));
  return y!.toNumbers();
}

describe("TFLite int8 HARD_SWISH and MEAN", () => {
  it("HARD_SWISH imports as QHardSwish and follows x * relu6(x + 3) / 6", () => {
    const [xs, xz, ys, yz] = [0.04, 10, 0.025, -70];
    const bytes = singleOperatorModel([
      { name: "x", shape: [1, 256], type: TENSOR_TYPE.int8, quant: { scale: [xs], zeroPoint: [xz] } },
      { name: "y", shape: [1, 256], type: TENSOR_TYPE.int8, quant: { scale: [ys], zeroPoint: [yz] } },
    ], [0], [1], { builtin: HARD_SWISH, inputs: [0], outputs: [1] });
    const graph = importTflite(bytes, "hard_swish.tflite");
    expect(graph.nodes.map((n) => n.op)).toEqual(["QHardSwish"]);
    const x = Tensor.fromNumbers("int8", [1, 256], Array.from({ length: 256 }, (_, i) => i - 128));
    const y = expectCEqualsEvaluator(graph, x);
    const want = Array.from(x.toNumbers(), (q) => {
      const v = xs * (q - xz);
      return Math.min(127, Math.max(-128, Math.round((v * Math.min(6, Math.max(0, v + 3))) / 6 / ys) + yz));
    });
    expect(Math.max(...want.map((w, i) => Math.abs(w - y[i]!)))).toBeLessThanOrEqual(1);
  });

  it("MEAN over H and W (keep_dims) imports as QMean and rounds the real mean", () => {
    const [xs, xz, ys, yz] = [0.05, -4, 0.03, 6];
    const bytes = singleOperatorModel([
      { name: "x", shape: [2, 3, 5, 4], type: TENSOR_TYPE.int8, quant: { scale: [xs], zeroPoint: [xz] } },
      { name: "axes", shape: [2], type: TENSOR_TYPE.int32, data: bytesOf(Int32Array.from([1, 2])) },
      { name: "y", shape: [2, 1, 1, 4], type: TENSOR_TYPE.int8, quant: { scale: [ys], zeroPoint: [yz] } },
    ], [0], [2], {
      builtin: MEAN, inputs: [0, 1], outputs: [2], optionsType: REDUCER_OPTIONS,
      options: (b: Builder) => { b.startObject(1); b.addFieldInt8(0, 1, 0); return b.endObject(); },
    });
    const graph = importTflite(bytes, "mean.tflite");
    expect(graph.nodes.map((n) => n.op)).toEqual(["QMean"]);
    const x = randomInt8([2, 3, 5, 4], 61);
    const y = expectCEqualsEvaluator(graph, x);
    const v = x.toNumbers();
    for (let b = 0; b < 2; b++) for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = 0; k < 15; k++) sum += xs * (v[(b * 15 + k) * 4 + c]! - xz);
      const want = Math.min(127, Math.max(-128, Math.round(sum / 15 / ys) + yz));
      expect(Math.abs(y[b * 4 + c]! - want), `batch ${b} channel ${c}`).toBeLessThanOrEqual(1);
    }
  });
});
