import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSamples } from "../src/calib/data.js";
import { egret } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import type { Sample } from "../src/quantize/calibrate.js";

/**
 * The corpus' float networks with an int8 twin made by the TensorFlow converter: calibration
 * samples and evaluation samples that never overlap (the evaluation set is real corpus inputs plus
 * flips, shifts and noise of them). Shared by test/quantize and bench:ptq (bench/ptq-compare.ts
 * measures them).
 */
export interface PtqCase {
  readonly name: string;
  readonly floatGraph: Graph;
  /** The TensorFlow converter's int8 model, run through Egret's bit-exact integer path. */
  readonly tfGraph: Graph;
  readonly calib: Sample[];
  readonly evalSet: Sample[];
}

/** Int8 codes of a golden input file as the float values they stand for. */
function dequantizedFile(path: string, shape: readonly number[], scale: number, zeroPoint: number): Tensor {
  const raw = readFileSync(path);
  const codes = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  return new Tensor("float32", shape, Float32Array.from(codes, (q) => scale * (q - zeroPoint)));
}

/**
 * Deterministic xorshift32 noise in [-amplitude, amplitude]. The one place that does not draw from
 * src/util/prng.ts: these streams define the PTQ evaluation sets that bench:ptq and
 * test/quantize/versus-tf.test.ts measure, so changing the generator changes the evaluation data
 * (with mulberry32 noise the KWS minmax and IC KL "at least TF's SQNR" claims no longer hold).
 */
function noisy(t: Tensor, amplitude: number, seed: number, lo: number, hi: number): Tensor {
  let s = seed >>> 0 || 1;
  const d = Float32Array.from(t.data as Float32Array, (v) => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return Math.min(hi, Math.max(lo, v + amplitude * (2 * (s / 4294967296) - 1)));
  });
  return new Tensor("float32", t.shape, d);
}

/** Rows of an [1, H, W, C] tensor remapped: out[y][x] = in[fy(y)][fx(x)] (flips, shifts, crops). */
function remap(t: Tensor, fy: (y: number) => number, fx: (x: number) => number): Tensor {
  const [, h, w, c] = t.shape as [number, number, number, number];
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = src[(fy(y) * w + fx(x)) * c + k]!;
  return new Tensor("float32", t.shape, out);
}

const clampTo = (n: number) => (i: number) => Math.min(n - 1, Math.max(0, i));

const sameValues = (a: Tensor, b: Tensor) => a.data.length === b.data.length && a.data.every((v, i) => v === b.data[i]);

/**
 * MLPerf Tiny IC ResNet-8. Calibration: the corpus' five face photos (datasets/faces, resized to
 * 32x32, pixel values 0..255 as the model takes them) and their mirror images. Evaluation: the 8
 * TFLM reference inputs of golden/pretrainedResnet_quant/multi (a black image, then one CIFAR-10
 * truck and variations of it), each also mirrored, shifted-and-cropped by 2 pixels and with +-12
 * noise, identical inputs once (the black image's mirror and shift are the black image; input 2 is
 * input 1 mirrored, so each one's mirror is the other): 28 inputs.
 */
export function icCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/mlperf-tiny/ic");
  const floatGraph = egret.importModelFile(join(dir, "pretrainedResnet.tflite"), {});
  const tfGraph = egret.importModelFile(join(dir, "pretrainedResnet_quant.tflite"), {});
  const faces = loadSamples(join(shared, "models/datasets/faces"), floatGraph.inputs, { std: [1 / 255] }).tensors.map((s) => s[0]!);
  const calib = [...faces, ...faces.map((t) => remap(t, (y) => y, (x) => 31 - x))].map((t) => [t]);
  const evalSet: Sample[] = [];
  for (let k = 0; k < 8; k++) {
    const x = dequantizedFile(join(shared, `golden/pretrainedResnet_quant/multi/input_${k}_0.bin`), [1, 32, 32, 3], 1, -128);
    for (const v of [x, remap(x, (y) => y, (c) => 31 - c), remap(x, clampTo(32), (c) => clampTo(32)(c + 2)), noisy(x, 12, 0x1c0000 + k, 0, 255)]) {
      // k = 0 is a black image: its mirror and shift are the same input and would count it thrice.
      if (!evalSet.some((s) => sameValues(s[0]!, v))) evalSet.push([v]);
    }
  }
  return { name: "IC ResNet-8", floatGraph, tfGraph, calib, evalSet };
}

/**
 * MLPerf Tiny IC ResNet-8, the larger float/int8 pair of the same benchmark (same input format),
 * with IC ResNet-8's calibration and evaluation inputs.
 */
export function icLargeCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/mlperf-tiny/ic");
  const ic = icCase(shared);
  const floatGraph = egret.importModelFile(join(dir, "pretrainedResnet_large_float.tflite"), {});
  const tfGraph = egret.importModelFile(join(dir, "pretrainedResnet_large_int8.tflite"), {});
  return { ...ic, name: "IC ResNet-8 large", floatGraph, tfGraph };
}

/**
 * TFLM's hello_world sine model (float and int8 twins, x in [0, 2 pi]): calibrated on 16 points
 * spread over the domain, evaluated on 60 points between them (none in common).
 */
export function helloWorldCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/tflm-examples/hello_world");
  const x = (v: number): Sample => [new Tensor("float32", [1, 1], Float32Array.of(v))];
  return {
    name: "hello_world sine",
    floatGraph: egret.importModelFile(join(dir, "hello_world_float.tflite"), {}),
    tfGraph: egret.importModelFile(join(dir, "hello_world_int8.tflite"), {}),
    calib: Array.from({ length: 16 }, (_, k) => x((2 * Math.PI * k) / 15)),
    evalSet: Array.from({ length: 60 }, (_, k) => x((2 * Math.PI * (k + 0.5)) / 60)),
  };
}

/**
 * MLPerf Tiny KWS DS-CNN. kws_ref_model_float32.tflite stores int8 weights with float
 * activations (dynamic range); Egret imports it with the weights dequantized, a float model.
 * The golden inputs hold two real MFCC samples: k=0 (the MLPerf reference input) and k=1 (the
 * hls4ml-finn sample). Calibration: k=0 and its variations (k = 0, 2, 3, 6, 7). Evaluation: k=1,
 * k=4 (k=1 plus noise) and further variations of k=1 only (noise, time shifts, amplitude).
 */
export function kwsCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/mlperf-tiny/kws");
  const floatGraph = egret.importModelFile(join(dir, "kws_ref_model_float32.tflite"), {});
  const tfGraph = egret.importModelFile(join(dir, "kws_ref_model.tflite"), {});
  const scale = 0.5847029;
  const load = (k: number) => dequantizedFile(join(shared, `golden/kws_ref_model/multi/input_${k}_0.bin`), [1, 49, 10, 1], scale, 83);
  const calib = [0, 2, 3, 6, 7].map((k) => [load(k)]);
  const lo = scale * (-128 - 83);
  const hi = scale * (127 - 83);
  const one = load(1);
  const scaled = (t: Tensor, f: number) => new Tensor("float32", t.shape, Float32Array.from(t.data as Float32Array, (v) => v * f));
  const evalSet = [one, load(4), noisy(one, 3, 11, lo, hi), noisy(one, 6, 12, lo, hi), noisy(one, 9, 13, lo, hi),
    remap(one, (y) => clampTo(49)(y + 4), (x) => x), remap(one, (y) => clampTo(49)(y - 4), (x) => x), scaled(one, 0.85), scaled(one, 1.1)].map((t) => [t]);
  return { name: "KWS DS-CNN", floatGraph, tfGraph, calib, evalSet };
}

/** Every float network of the corpus with an int8 twin made by a converter (MANIFEST.md). */
export const CORPUS_PAIRS: readonly { readonly name: string; readonly make: (shared: string) => PtqCase }[] = [
  { name: "IC ResNet-8", make: icCase },
  { name: "IC ResNet-8 large", make: icLargeCase },
  { name: "KWS DS-CNN", make: kwsCase },
  { name: "hello_world sine", make: helloWorldCase },
];

/** Float/int8 pairs of the corpus that cannot be compared, and why (bench:ptq prints them). */
export const EXCLUDED_PAIRS: readonly string[] = [
  "micro_speech audio_preprocessor_float/_int8.tflite: a signal-processing graph of custom TFLM ops (SignalWindow, SignalFftAutoScale, ...) Egret does not import",
  "person_detect.tflite, dtln_noise_suppression.tflite, keyword_scrambled*.tflite, network_model.tflite, the seanet layers: int8/int16 models without a float twin",
  "onnx2c test_qlinearadd/_qlinearmul: single QLinear ops fed integer inputs, no float twin; no other ONNX QDQ model in the corpus",
];
