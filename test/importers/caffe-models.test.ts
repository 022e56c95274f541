import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type Graph } from "../../src/index.js";
import { importCaffeWithNotes } from "../../src/importers/caffe/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { buildModel } from "../conformance/c-build.js";
import { compareClose } from "../support/c-run.js";
import { grayToNchw, readJpeg, readPng, resizeBilinearRgb, rgbPlanesToNchw } from "../support/images.js";
import { sharedForListing } from "../support/shared-skip.js";

/**
 * The Caffe importer on the real models of ../shared/models/caffe, through the generated C:
 * UltraFace slim-320 against onnxruntime on the ONNX export with the same weights, LeNet's digit
 * samples against their labels, the ResNet-50 head against the interpreter.
 */
const NEEDS_SHARED = "the Caffe model tests (UltraFace vs onnxruntime, LeNet digits, ResNet-50 head)";

function caffe(dir: string, model: string, prototxt?: string, inputShapes?: ReadonlyMap<string, readonly number[]>): { graph: Graph; notes: readonly string[] } {
  const bytes = readFileSync(join(dir, model));
  return importCaffeWithNotes(bytes, model, { ...(prototxt ? { prototxt: join(dir, prototxt) } : {}), ...(inputShapes ? { inputShapes } : {}) });
}

function argmax(t: Tensor): number {
  const v = t.toNumbers();
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

describe("Caffe models from ../shared", () => {
  const shared = sharedForListing(NEEDS_SHARED);
  if (shared === undefined) return;
  const models = join(shared, "models");

  it("UltraFace slim-320 matches onnxruntime on the face images (generated C)", async () => {
    const { graph } = caffe(join(models, "caffe", "ultraface-slim-320"), "slim-320.caffemodel", "slim-320.prototxt");
    expect(graph.outputs.map((o) => `${o.name}:${o.shape.join("x")}`).sort()).toEqual(["boxes:1x4420x4", "scores:1x4420x2"]);
    const session = await ort.InferenceSession.create(join(models, "onnx", "ultraface", "version-slim-320_simplified.onnx"), { logSeverityLevel: 3 });
    const built = await buildModel(graph);
    const faces = join(models, "datasets", "faces");
    const images = readdirSync(faces).filter((f) => f.endsWith(".jpg")).sort();
    expect(images.length).toBeGreaterThan(0);
    const report: string[] = [];
    try {
      for (const file of images) {
        // UltraFace's preprocessing: RGB, 320x240, (pixel - 127) / 128, NCHW.
        const x = rgbPlanesToNchw(resizeBilinearRgb(readJpeg(join(faces, file)), 320, 240), 320, 240, 127, 1 / 128);
        const reference = await session.run({ input: new ort.Tensor("float32", x.data as Float32Array, [1, 3, 240, 320]) });
        const actual = await built.run([x]);
        graph.outputs.forEach((o, i) => {
          const r = reference[o.name]!;
          const want = Tensor.fromNumbers("float32", r.dims, r.data as Float32Array);
          // float32 accumulation error grows with the values' magnitude: atol is 1e-5 of the largest.
          const atol = 1e-5 * Math.max(1, ...Array.from(want.toNumbers(), Math.abs));
          const cmp = compareClose(actual[i]!, want, 1e-4, atol);
          report.push(`${file} ${o.name}: max abs error ${cmp.maxAbs.toExponential(2)} (atol ${atol.toExponential(2)})`);
          expect(cmp.ok, `${file} ${o.name}: max abs error ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
        });
      }
    } finally {
      await built.dispose();
      await session.release();
    }
    console.log(`UltraFace slim-320, Caffe import vs onnxruntime:\n  ${report.join("\n  ")}`);
  });

  it("LeNet classifies its ten sample digits (deploy prototxt, generated C)", async () => {
    const dir = join(models, "caffe", "lenet");
    const { graph } = caffe(dir, "lenet_iter_10000.caffemodel", "mnist_deploy.prototxt");
    const samples = readdirSync(join(dir, "samples")).filter((f) => f.endsWith(".png")).sort();
    expect(samples).toHaveLength(10);
    const built = await buildModel(graph);
    let correct = 0;
    try {
      for (const file of samples) {
        const label = Number(/^img_(\d)_/.exec(file)![1]);
        // The deploy net has no input scaling: training scaled pixels by 1/256.
        const [probs] = await built.run([grayToNchw(readPng(join(dir, "samples", file)), 1 / 256)]);
        expect(probs!.shape).toEqual([1, 10]);
        if (argmax(probs!) === label) correct++;
      }
    } finally {
      await built.dispose();
    }
    console.log(`LeNet: ${correct}/${samples.length} sample digits classified correctly`);
    expect(correct).toBe(samples.length);
  });

  it("LeNet's embedded training net imports with --input-shape and agrees with the deploy net", () => {
    const dir = join(models, "caffe", "lenet");
    const embedded = caffe(dir, "lenet_iter_10000.caffemodel", undefined, new Map([["data", [1, 1, 28, 28]]]));
    expect(embedded.notes.join("\n")).toMatch(/SoftmaxWithLoss\) is a training layer and was dropped/);
    expect(embedded.notes.join("\n")).toMatch(/scaled by 0.00390625/);
    expect(embedded.graph.outputs.map((o) => o.name)).toEqual(["ip2"]);
    const deploy = caffe(dir, "lenet_iter_10000.caffemodel", "mnist_deploy.prototxt").graph;
    const x = grayToNchw(readPng(join(dir, "samples", "img_7_0.png")), 1 / 256);
    expect(argmax(runGraph(embedded.graph, [x])[0]!)).toBe(argmax(runGraph(deploy, [x])[0]!));
    // Without a shape the data layer's input cannot be compiled: a clear error says what to pass.
    expect(() => caffe(dir, "lenet_iter_10000.caffemodel")).toThrow(/--prototxt.*--input-shape data=/);
  });

  it("the ResNet-50 head (BatchNorm + Scale, legacy input_dim) compiles, runs and agrees with the interpreter", async () => {
    const dir = join(models, "caffe", "resnet50-head");
    const { graph } = caffe(dir, "test.caffemodel", "test.prototxt");
    expect(graph.inputs.map((i) => i.shape)).toEqual([[1, 3, 224, 224]]);
    expect(graph.outputs.map((o) => `${o.name}:${o.shape.join("x")}`)).toEqual(["pool1:1x64x56x56"]);
    expect(graph.nodes.map((n) => n.op)).toEqual(["Conv", "BatchNormalization", "Mul", "Add", "Relu", "MaxPool"]);
    const x = Tensor.fromNumbers("float32", [1, 3, 224, 224], Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37) * 2));
    const built = await buildModel(graph);
    try {
      const [got] = await built.run([x]);
      const cmp = compareClose(got!, runGraph(graph, [x])[0]!, 1e-4, 1e-4);
      console.log(`ResNet-50 head: generated C vs interpreter max abs error ${cmp.maxAbs.toExponential(2)}`);
      expect(cmp.ok, `max abs error ${cmp.maxAbs}`).toBe(true);
    } finally {
      await built.dispose();
    }
  });

  it("importModelFile recognises a .caffemodel by content and takes the prototxt option", () => {
    const dir = join(models, "caffe", "resnet50-head");
    const graph = importModelFile(join(dir, "test.caffemodel"), { prototxt: join(dir, "test.prototxt") });
    expect(graph.outputs[0]!.name).toBe("pool1");
  });
});
