import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadSamples } from "../src/calib/data.js";
import { importModelFile, type ImportOptions } from "../src/importers/index.js";
import { Tensor } from "../src/ir/tensor.js";
import type { Sample } from "../src/quantize/calibrate.js";
import { readMnist } from "../test/support/mnist.js";
import type { Network } from "./ptq-compare.js";
import { CORPUS_PAIRS } from "./ptq-models.js";

/**
 * Every float network of the corpus that has real inputs to calibrate and evaluate on (bench:ptq's
 * guard-rail table): the float halves of the converter pairs, and the MNIST, sine, MLP and audio
 * models fed the corpus' MNIST digits, sine points and K210 keyword-spotting features.
 * Calibration and evaluation inputs never overlap.
 */
export interface CorpusNetwork {
  readonly name: string;
  readonly load: () => Network;
}

/** Networks of the corpus left out of the guard-rail table, and why. */
export const SKIPPED_NETWORKS: readonly string[] = [
  "onnx/velardo/lesson14.onnx: its inputs exist only as a C header (test_input.h); lesson9.onnx: no inputs",
  "caffe/resnet50-head and the onnx2c single-op tests: layers, not networks, with no real inputs",
  "UltraFace slim-320 (caffe, onnx): a 240x320 detector: minutes per configuration in the reference evaluator",
];

/** MNIST digit `i` scaled by `scale`, in `shape` (28x28 row-major fills it as is). */
function digits(shared: string): (i: number, shape: readonly number[], scale?: number) => Sample {
  const m = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
  return (i, shape, scale = 1 / 255) => [new Tensor("float32", shape, Float32Array.from(m.images.subarray(i * 784, (i + 1) * 784), (v) => v * scale))];
}

/** The atmega example's input: 14x14, binarised at 0.3 (its training transform), from 2x2 means of a digit. */
function binarised14(sample: Sample): Sample {
  const src = sample[0]!.data as Float32Array;
  const out = new Float32Array(196);
  for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) {
    const m = (src[56 * y + 2 * x]! + src[56 * y + 2 * x + 1]! + src[56 * y + 28 + 2 * x]! + src[56 * y + 28 + 2 * x + 1]!) / 4;
    out[14 * y + x] = m >= 0.3 ? 1 : 0;
  }
  return [new Tensor("float32", [1, 1, 14, 14], out)];
}

const sine = (count: number, offset: number): Sample[] => Array.from({ length: count }, (_, k) => [new Tensor("float32", [1, 1], Float32Array.of((2 * Math.PI * (k + offset)) / count))]);

export function corpusNetworks(shared: string): CorpusNetwork[] {
  const models = join(shared, "models");
  const mnistNet = (name: string, file: string, shape: readonly number[], options: ImportOptions = {}, scale = 1 / 255): CorpusNetwork => ({
    name,
    load: () => {
      const digit = digits(shared);
      return { name, floatGraph: importModelFile(join(models, file), options), calib: Array.from({ length: 32 }, (_, k) => digit(3 * k, shape, scale)), evalSet: Array.from({ length: 300 }, (_, k) => digit(100 + k, shape, scale)) };
    },
  });
  return [
    ...CORPUS_PAIRS.map((p) => ({ name: p.name, load: () => p.make(shared) })),
    mnistNet("onnx2c MNIST (model.onnx)", "onnx/onnx2c/test/mnist/model.onnx", [1, 1, 28, 28]),
    mnistNet("onnx2c MNIST MLP (pytorch.onnx)", "onnx/onnx2c/test/mnist/pytorch.onnx", [1, 784]),
    mnistNet("tf mnist-cnn (mnist.pb)", "tf/mnist-cnn/mnist.pb", [1, 28, 28, 1], { inputShapes: new Map([["inputs", [1, 28, 28, 1]]]) }),
    mnistNet("tf2onnx fc-layers", "tf/tf2onnx/fc-layers.frozen.pb", [1, 784], { inputShapes: new Map([["X", [1, 784]]]) }),
    mnistNet("tf2onnx ae0 (sigmoid autoencoder)", "tf/tf2onnx/ae0.frozen.pb", [1, 784], { inputShapes: new Map([["X", [1, 784]]]) }),
    mnistNet("caffe LeNet", "caffe/lenet/lenet_iter_10000.caffemodel", [1, 1, 28, 28], { prototxt: join(models, "caffe/lenet/mnist_deploy.prototxt") }, 1 / 256),
    {
      name: "onnx2c atmega MNIST 14x14",
      load: () => {
        const digit = digits(shared);
        const at = (i: number) => binarised14(digit(i, [1, 1, 28, 28]));
        return { name: "onnx2c atmega MNIST 14x14", floatGraph: importModelFile(join(models, "onnx/onnx2c/examples/atmega_mnist/mnist.simplified.onnx"), {}), calib: Array.from({ length: 32 }, (_, k) => at(3 * k)), evalSet: Array.from({ length: 300 }, (_, k) => at(100 + k)) };
      },
    },
    {
      name: "onnx2c tfl_helloworld (sine)",
      load: () => ({ name: "onnx2c tfl_helloworld (sine)", floatGraph: importModelFile(join(models, "onnx/onnx2c/test/tfl_helloworld/model.onnx"), { inputShapes: new Map([["dense_2_input", [1, 1]]]) }), calib: sine(16, 0), evalSet: sine(60, 0.5) }),
    },
    {
      name: "tf kws-cnn-k210 (BMP features)",
      load: () => {
        const floatGraph = importModelFile(join(models, "tf/kws-cnn-k210/mod.pb"), { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) });
        // kendryte-model-compiler feeds the 8-bit feature images as pixel / 255.
        const folder = join(models, "tf/kws-cnn-k210/audio_feature");
        const files = readdirSync(folder).filter((f) => f.endsWith(".bmp")).sort();
        const load = (f: string) => loadSamples(join(folder, f), floatGraph.inputs).tensors[0]!;
        return { name: "tf kws-cnn-k210 (BMP features)", floatGraph, calib: files.slice(0, -1).map(load), evalSet: files.slice(-1).map(load) };
      },
    },
  ];
}
