import { existsSync } from "node:fs";
import { join } from "node:path";
import { importModelFile, type ImportOptions } from "../src/importers/index.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { BenchModel } from "./models.js";

/**
 * The TensorFlow GraphDef and Caffe models of ../shared/models (cheap to compile: a few seconds
 * in all). TensorFlow graphs are NHWC wrapped in transposes by the importer, so they show what
 * the layout rules remove. Each entry gives what its importer needs (input shapes, prototxt);
 * the shapes are those of the importer tests.
 */
export const SHARED_MODELS_DIR = join(PACKAGE_ROOT, "..", "shared", "models");

interface CorpusEntry {
  readonly name: string;
  readonly file: string;
  readonly options: (dir: string) => ImportOptions;
}

const shapes = (name: string, shape: number[]) => (): ImportOptions => ({ inputShapes: new Map([[name, shape]]) });

const CORPUS: readonly CorpusEntry[] = [
  { name: "tf/kws-cnn-k210", file: "tf/kws-cnn-k210/mod.pb", options: shapes("conv2d_1_input", [1, 128, 64, 1]) },
  { name: "tf/mnist-cnn", file: "tf/mnist-cnn/mnist.pb", options: shapes("inputs", [1, 28, 28, 1]) },
  { name: "tf/tf2onnx-fc-layers", file: "tf/tf2onnx/fc-layers.frozen.pb", options: shapes("X", [1, 784]) },
  { name: "tf/tf2onnx-ae0", file: "tf/tf2onnx/ae0.frozen.pb", options: shapes("X", [1, 784]) },
  { name: "caffe/lenet", file: "caffe/lenet/lenet_iter_10000.caffemodel", options: (dir) => ({ prototxt: join(dir, "caffe/lenet/mnist_deploy.prototxt") }) },
  { name: "caffe/resnet50-head", file: "caffe/resnet50-head/test.caffemodel", options: (dir) => ({ prototxt: join(dir, "caffe/resnet50-head/test.prototxt") }) },
  { name: "caffe/ultraface-slim-320", file: "caffe/ultraface-slim-320/slim-320.caffemodel", options: (dir) => ({ prototxt: join(dir, "caffe/ultraface-slim-320/slim-320.prototxt") }) },
];

/** The corpus models present under `root` (none when ../shared is absent). */
export function corpusModels(root = SHARED_MODELS_DIR): BenchModel[] {
  return CORPUS.filter((m) => existsSync(join(root, m.file))).map((m) => ({ name: m.name, load: () => importModelFile(join(root, m.file), m.options(root)) }));
}
