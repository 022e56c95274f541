/**
 * The networks of `npm run bench:k210` and how Egret compiles each for the K210: the source model,
 * nncase v0.2's kmodel of it where one exists (../shared/models/kmodel/v4), calibration inputs, and
 * whether the model takes uint8 frames (`--input-type uint8`, as nncase's image models do).
 */
import { egret } from "../src/index.js";
import { join } from "node:path";
import { seededRandomInputs } from "../backends/k210/calibrate.js";
import { loadSamples } from "../src/calib/data.js";
import { buildGraph, type Graph, type Tensor } from "../src/index.js";
import { Tensor as T } from "../src/ir/tensor.js";

export interface BenchNetwork {
  readonly name: string;
  readonly graph: Graph;
  readonly nncase?: string;
  readonly calibration: readonly (readonly Tensor[])[];
  /** Held-out inputs (float, the model's own layout) for the accuracy figures. */
  readonly heldOut?: readonly Tensor[];
  readonly uint8Input: boolean;
}

/** Deterministic pseudo-random weights in [lo, hi). */
function weights(shape: number[], seed: number, lo = -0.3, hi = 0.3): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  });
  return T.fromNumbers("float32", shape, v);
}

/** x[1,8,32,32] → 3×3 conv dilation 2 (relu) → 3×3 conv dilation 3: the dilated convs of RFB-style heads. */
export function dilatedNetwork(): Graph {
  return buildGraph({
    name: "dilated",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 32, 32] }],
    outputs: ["y2"],
    constants: new Map([["w1", weights([16, 8, 3, 3], 1)], ["b1", weights([16], 2, -0.1, 0.1)], ["w2", weights([16, 16, 3, 3], 3)]]),
    nodes: [
      { name: "d2", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["y1r"], attrs: { pads: [2, 2, 2, 2], dilations: [2, 2] } },
      { name: "r1", op: "Relu", inputs: ["y1r"], outputs: ["y1"], attrs: {} },
      { name: "d3", op: "Conv", inputs: ["y1", "w2"], outputs: ["y2"], attrs: { pads: [3, 3, 3, 3], dilations: [3, 3] } },
    ],
  });
}

export function benchNetworks(shared: string): BenchNetwork[] {
  const source = join(shared, "models/kmodel/source");
  const landmarks = join(source, "landmark_images");
  const images = (graph: Graph, files: readonly string[]) => files.map((f) => loadSamples(join(landmarks, f), graph.inputs).tensors[0]!);
  const ulffd = egret.importModelFile(join(source, "ulffd_landmark.tflite"));
  const slim = egret.importModelFile(join(source, "slim-320.caffemodel"));
  // (the Keras reader must be loaded first: `await kerasReady()` in the caller)
  const kws = egret.importModelFile(join(shared, "models/tf/kws-cnn-k210/mod.h5"), { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) });
  const dilated = dilatedNetwork();
  return [
    { name: "slim-320", graph: slim, nncase: "models/kmodel/v4/slim-320.kmodel", calibration: images(slim, ["20.jpg", "22.jpg", "23.jpg"]), heldOut: loadSamples(join(source, "face.jpg"), slim.inputs).tensors[0]!, uint8Input: true },
    { name: "ulffd_landmark", graph: ulffd, nncase: "models/kmodel/v4/ulffd_landmark.kmodel", calibration: images(ulffd, ["20.jpg", "22.jpg", "23.jpg"]), heldOut: images(ulffd, ["21.jpg"])[0]!, uint8Input: true },
    { name: "kws-cnn-k210", graph: kws, calibration: seededRandomInputs(kws, 2, 5), uint8Input: false },
    { name: "dilated 3×3 (d=2, d=3)", graph: dilated, calibration: seededRandomInputs(dilated, 2, 5), uint8Input: false },
  ];
}
