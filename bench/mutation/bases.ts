/**
 * The unmutated files of the campaign, from ../shared/models: small and mid-sized real models of
 * every format Egret reads, each with the CLI arguments it needs to import cleanly (input shapes
 * for symbolic dimensions, the deploy prototxt of a .caffemodel). A base's weight is its share of
 * its format's cases: small models are cheap to run, so they take most of them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";
import type { BinaryLayout } from "./mutators.js";

export const SHARED_MODELS_DIR = join(PACKAGE_ROOT, "..", "shared", "models");

export const FORMATS = ["onnx", "tflite", "caffe", "prototxt", "tf", "keras", "kmodel"] as const;
export type Format = (typeof FORMATS)[number];

export interface Base {
  readonly format: Format;
  /** Path under ../shared/models of the file that is mutated. */
  readonly file: string;
  readonly weight: number;
  /** Extra CLI arguments; `{models}` stands for the models folder. */
  readonly args: readonly string[];
  /**
   * prototxt bases mutate the deploy net and pass it with --prototxt beside the intact
   * .caffemodel named here.
   */
  readonly caffemodel?: string;
}

export const LAYOUT: Readonly<Record<Format, BinaryLayout | "text">> = {
  onnx: "protobuf", caffe: "protobuf", tf: "protobuf", prototxt: "text", tflite: "aligned", keras: "aligned", kmodel: "aligned",
};

const shape = (name: string, dims: string): string[] => ["--input-shape", `${name}=${dims}`];
const LENET_PROTOTXT = ["--prototxt", "{models}/caffe/lenet/mnist_deploy.prototxt"];

export const BASES: readonly Base[] = [
  { format: "onnx", file: "onnx/onnx2c/examples/atmega_mnist/mnist.simplified.onnx", weight: 3, args: [] },
  { format: "onnx", file: "onnx/onnx2c/test/mnist/model.onnx", weight: 3, args: [] },
  { format: "onnx", file: "onnx/onnx2c/test/tfl_helloworld/model.onnx", weight: 2, args: shape("dense_2_input", "1x1") },
  { format: "onnx", file: "onnx/onnx2c/test/velardo/lesson9.onnx", weight: 1, args: shape("dense_input", "1x2") },
  { format: "onnx", file: "onnx/onnx2c/test/simple_networks/conv_k2_maxpool_k2.onnx", weight: 2, args: shape("conv2d_input", "1x5x5x1") },
  { format: "onnx", file: "onnx/onnx2c/test/simple_networks/lstm_k1_b1_r1.onnx", weight: 1, args: shape("input_1", "1x3x5") },
  { format: "onnx", file: "onnx/onnx2c/test/local_ops/test_lstm_simple/model.onnx", weight: 1, args: [] },
  { format: "onnx", file: "onnx/onnx2c/test/local_ops/test_gemm_C1/model.onnx", weight: 1, args: [] },
  { format: "tflite", file: "tflite/tflm-examples/hello_world/hello_world_int8.tflite", weight: 3, args: [] },
  { format: "tflite", file: "tflite/tflm-examples/hello_world/hello_world_float.tflite", weight: 2, args: [] },
  { format: "tflite", file: "tflite/tflm-examples/memory_footprint/simple_add_model.tflite", weight: 1, args: [] },
  { format: "tflite", file: "tflite/tflm-examples/network_tester/network_model.tflite", weight: 1, args: [] },
  { format: "tflite", file: "tflite/tflm-examples/micro_speech/micro_speech_quantized.tflite", weight: 2, args: [] },
  { format: "tflite", file: "tflite/mlperf-tiny/kws/kws_ref_model.tflite", weight: 2, args: [] },
  { format: "tflite", file: "tflite/tflm-models/keyword_scrambled_8bit.tflite", weight: 1, args: [] },
  { format: "caffe", file: "caffe/resnet50-head/test.caffemodel", weight: 3, args: ["--prototxt", "{models}/caffe/resnet50-head/test.prototxt"] },
  { format: "caffe", file: "caffe/lenet/lenet_iter_10000.caffemodel", weight: 2, args: LENET_PROTOTXT },
  { format: "caffe", file: "caffe/lenet/lenet_iter_10000.caffemodel", weight: 1, args: [] },
  { format: "prototxt", file: "caffe/lenet/mnist_deploy.prototxt", weight: 2, args: [], caffemodel: "caffe/lenet/lenet_iter_10000.caffemodel" },
  { format: "prototxt", file: "caffe/resnet50-head/test.prototxt", weight: 2, args: [], caffemodel: "caffe/resnet50-head/test.caffemodel" },
  { format: "prototxt", file: "caffe/ultraface-slim-320/slim-320.prototxt", weight: 1, args: [], caffemodel: "caffe/ultraface-slim-320/slim-320.caffemodel" },
  { format: "tf", file: "tf/kws-cnn-k210/mod.pb", weight: 2, args: shape("conv2d_1_input", "1x128x64x1") },
  { format: "tf", file: "tf/mnist-cnn/mnist.pb", weight: 2, args: shape("inputs", "1x28x28x1") },
  { format: "tf", file: "tf/tf2onnx/fc-layers.frozen.pb", weight: 1, args: shape("X", "1x784") },
  { format: "keras", file: "tf/kws-cnn-k210/mod.h5", weight: 2, args: shape("conv2d_1_input", "1x128x64x1") },
  { format: "keras", file: "tflite/mlperf-tiny/ic/pretrainedResnet.h5", weight: 1, args: shape("input_1", "1x32x32x3") },
  { format: "kmodel", file: "kmodel/v4/iris.kmodel", weight: 4, args: [] },
  { format: "kmodel", file: "kmodel/v3/iris.kmodel", weight: 1, args: [] },
  { format: "kmodel", file: "kmodel/v4/ulffd_landmark.kmodel", weight: 2, args: [] },
  { format: "kmodel", file: "kmodel/v4/slim-320.kmodel", weight: 1, args: [] },
];

/** The bases whose files exist under `root` (none when ../shared is absent). */
export function availableBases(root = SHARED_MODELS_DIR): Base[] {
  return BASES.filter((b) => existsSync(join(root, b.file)) && (b.caffemodel === undefined || existsSync(join(root, b.caffemodel))));
}

export function expandArgs(args: readonly string[], root: string): string[] {
  return args.map((a) => a.replaceAll("{models}", root));
}
