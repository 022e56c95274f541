import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EgretError, importModelBytes, runGraph, Tensor } from "../../src/index.js";
import { importKeras, importKerasAsync, kerasReady } from "../../src/importers/keras/index.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";
import { writeKerasH5, type LayerWeights } from "./keras-h5-writer.js";
import { mutate, mutation } from "./tf-mutation.js";
import { seeded } from "./tf-graphdef.js";
import { conv2dNhwc, expectClose } from "./tf-reference.js";
import { errorOf } from "../support/errors.js";

beforeAll(() => kerasReady());

const w = (shape: number[], seed: number, scale = 1) => ({ shape, data: seeded(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale) });
const layer = (className: string, name: string, inbound: string[], config: Record<string, unknown> = {}) => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: [inbound.map((i) => [i, 0, 0, {}])],
});

/** input [N,5,5,2] -> ZeroPadding2D -> DepthwiseConv2D(relu) -> SeparableConv2D, + Conv2D branch -> Add -> BN -> GAP -> Dense(softmax). */
const config = {
  class_name: "Model",
  config: {
    name: "synthetic",
    layers: [
      { class_name: "InputLayer", name: "in", config: { name: "in", batch_input_shape: [null, 5, 5, 2], dtype: "float32" }, inbound_nodes: [] },
      layer("ZeroPadding2D", "pad", ["in"], { padding: [[1, 1], [1, 1]] }),
      layer("DepthwiseConv2D", "dw", ["pad"], { kernel_size: [3, 3], strides: [1, 1], padding: "valid", depth_multiplier: 2, activation: "relu", use_bias: true }),
      layer("SeparableConv2D", "sep", ["dw"], { filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: "same", depth_multiplier: 1, activation: "linear", use_bias: true }),
      layer("Conv2D", "conv", ["pad"], { filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: "valid", activation: "linear", use_bias: false }),
      layer("Add", "add", ["sep", "conv"]),
      layer("BatchNormalization", "bn", ["add"], { axis: -1, epsilon: 0.001, center: true, scale: false }),
      layer("Dropout", "drop", ["bn"], { rate: 0.5 }),
      layer("GlobalAveragePooling2D", "gap", ["drop"]),
      layer("Dense", "dense", ["gap"], { units: 2, activation: "softmax", use_bias: true }),
    ],
    input_layers: [["in", 0, 0]],
    output_layers: [["dense", 0, 0]],
  },
};

const weights: Record<string, LayerWeights> = {
  dw: { depthwise_kernel: w([3, 3, 2, 2], 1), bias: w([4], 2) },
  sep: { depthwise_kernel: w([3, 3, 4, 1], 3), pointwise_kernel: w([1, 1, 4, 3], 4), bias: w([3], 5) },
  conv: { kernel: w([3, 3, 2, 3], 6) },
  bn: { beta: w([3], 7), moving_mean: w([3], 8), moving_variance: { shape: [3], data: [0.5, 1, 2] } },
  dense: { kernel: w([3, 2], 9), bias: w([2], 10) },
};

/** The synthetic model computed naively in NHWC from the same weights. */
function reference(x: number[]): number[] {
  const padded: number[] = [];
  for (let y = -1; y < 6; y++) for (let xx = -1; xx < 6; xx++) for (let c = 0; c < 2; c++) padded.push(y < 0 || y > 4 || xx < 0 || xx > 4 ? 0 : x[(y * 5 + xx) * 2 + c]!);
  const dw = conv2dNhwc({ x: padded, xShape: [1, 7, 7, 2], w: weights.dw!.depthwise_kernel!.data, wShape: [3, 3, 2, 2], stride: [1, 1], padding: "VALID", depthwise: true })
    .data.map((v, i) => Math.max(0, v + weights.dw!.bias!.data[i % 4]!));
  const sepDw = conv2dNhwc({ x: dw, xShape: [1, 5, 5, 4], w: weights.sep!.depthwise_kernel!.data, wShape: [3, 3, 4, 1], stride: [1, 1], padding: "SAME", depthwise: true }).data;
  const sep = conv2dNhwc({ x: sepDw, xShape: [1, 5, 5, 4], w: weights.sep!.pointwise_kernel!.data, wShape: [1, 1, 4, 3], stride: [1, 1], padding: "VALID" })
    .data.map((v, i) => v + weights.sep!.bias!.data[i % 3]!);
  const conv = conv2dNhwc({ x: padded, xShape: [1, 7, 7, 2], w: weights.conv!.kernel!.data, wShape: [3, 3, 2, 3], stride: [1, 1], padding: "VALID" }).data;
  const bn = weights.bn!;
  const normed = sep.map((v, i) => {
    const c = i % 3;
    return (v + conv[i]! - bn.moving_mean!.data[c]!) / Math.sqrt(bn.moving_variance!.data[c]! + 0.001) + bn.beta!.data[c]!;
  });
  const gap = [0, 1, 2].map((c) => normed.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / 25);
  const logits = [0, 1].map((o) => gap.reduce((s, v, k) => s + v * weights.dense!.kernel!.data[k * 2 + o]!, 0) + weights.dense!.bias!.data[o]!);
  const e = logits.map((l) => Math.exp(l - Math.max(...logits)));
  return e.map((v) => v / (e[0]! + e[1]!));
}


describe("Keras .h5 importer", () => {
  it("imports a functional model with ZeroPadding2D, DepthwiseConv2D, SeparableConv2D, Add, BN, GAP and Dense", async () => {
    const bytes = writeKerasH5(config, weights);
    const graph = await importKerasAsync(bytes, "synthetic.h5", { inputShapes: new Map([["in", [1, 5, 5, 2]]]) });
    expect(graph.outputs.map((o) => [o.name, o.shape])).toEqual([["dense", [1, 2]]]);
    const xs = seeded(50, 42);
    const x = Tensor.fromNumbers("float32", [1, 5, 5, 2], xs);
    const interp = runGraph(graph, [x])[0]!.toArray();
    expectClose(interp, reference(xs));
    expectClose(compileAndRun(graph, [x])[0]!.toArray(), interp, 1e-5);
  });

  it("is chosen by content through importModelBytes", () => {
    const graph = importModelBytes(writeKerasH5(config, weights), "model.bin", { inputShapes: new Map([["in", [2, 5, 5, 2]]]) });
    expect(graph.outputs[0]!.shape).toEqual([2, 2]);
  });

  it("reports weights-only files, unknown layers, missing weights and unknown batch sizes as EgretErrors", () => {
    const weightsOnly = errorOf(() => importKeras(writeKerasH5(config, weights, false), "w.h5"));
    expect(weightsOnly.code).toBe("parse");
    expect(weightsOnly.message).toContain("model_config");

    const unknown = structuredClone(config);
    unknown.config.layers[7]!.class_name = "MysteryLayer";
    const e = errorOf(() => importKeras(writeKerasH5(unknown, weights), "u.h5"));
    expect(e.code).toBe("unsupported-op");
    expect(e.message).toContain('layer "drop" (MysteryLayer)');

    const missing = errorOf(() => importKeras(writeKerasH5(config, { ...weights, conv: {} }), "m.h5"));
    expect(missing.code).toBe("missing-tensor");
    expect(missing.message).toContain('layer "conv"');

    const batch = errorOf(() => importKeras(writeKerasH5(config, weights), "b.h5"));
    expect(batch.code).toBe("dynamic-shape");
    expect(batch.message).toContain("--input-shape in=1x5x5x2");

    const notHdf5 = errorOf(() => importKeras(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), "t.h5"));
    expect(notHdf5.code).toBe("parse");
  });

  const useShared = sharedFor("mutation tests on kws-cnn-k210/mod.h5");
  it("turns mutations of mod.h5 into EgretErrors (300 cases)", (ctx) => {
    const shared = useShared(ctx);
    const bytes = new Uint8Array(readFileSync(join(shared, "models/tf/kws-cnn-k210/mod.h5")));
    const options = { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) };
    const cleanly = (b: Uint8Array) => {
      try {
        importKeras(b, "mutated.h5", options);
        return true;
      } catch (e) {
        if (e instanceof EgretError) return true;
        throw e;
      }
    };
    expect(cleanly(bytes)).toBe(true);
    fc.assert(fc.property(mutation(bytes.length), (m) => cleanly(mutate(bytes, m))), { numRuns: 300, seed: 8 });
  });
});
