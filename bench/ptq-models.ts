import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSamples } from "../src/calib/data.js";
import { importModelFile } from "../src/importers/index.js";
import { tfliteQuantizationOf } from "../src/importers/tflite/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import { runGraph } from "../src/interp/run.js";
import type { Sample } from "../src/quantize/calibrate.js";
import { argmax, SqnrAccumulator } from "../src/quantize/metrics.js";
import { optimizedFloatProgram, quantizeProgram, type PtqOptions, type PtqResult } from "../src/quantize/ptq.js";

/**
 * Post-training quantization against the TensorFlow converter (issue 5's done-when): for a float
 * model with an official int8 twin, calibration samples and evaluation samples that never overlap
 * (the evaluation set is real corpus inputs plus flips, shifts and noise of them), and the SQNR of
 * each program's output against the float model's. Shared by test/quantize and bench/ptq.ts.
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

/** Deterministic xorshift32 noise in [-amplitude, amplitude]. */
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
 * noise, identical inputs once (the black image's mirror and shift are the black image): 30 inputs.
 */
export function icCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/mlperf-tiny/ic");
  const floatGraph = importModelFile(join(dir, "pretrainedResnet.tflite"), {});
  const tfGraph = importModelFile(join(dir, "pretrainedResnet_quant.tflite"), {});
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
 * MLPerf Tiny KWS DS-CNN. kws_ref_model_float32.tflite stores int8 weights with float
 * activations (dynamic range); Egret imports it with the weights dequantized, a float model.
 * The golden inputs hold two real MFCC samples: k=0 (the MLPerf reference input) and k=1 (the
 * hls4ml-finn sample). Calibration: k=0 and its variations (k = 0, 2, 3, 6, 7). Evaluation: k=1,
 * k=4 (k=1 plus noise) and further variations of k=1 only (noise, time shifts, amplitude).
 */
export function kwsCase(shared: string): PtqCase {
  const dir = join(shared, "models/tflite/mlperf-tiny/kws");
  const floatGraph = importModelFile(join(dir, "kws_ref_model_float32.tflite"), {});
  const tfGraph = importModelFile(join(dir, "kws_ref_model.tflite"), {});
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

export interface TfComparison {
  readonly sqnrOurs: number;
  readonly sqnrTf: number;
  readonly top1Ours: number;
  readonly top1Tf: number;
  readonly samples: number;
  readonly result: PtqResult;
}

/** What every method is compared with: the float program's and TF's int8 model's outputs. */
export interface References {
  readonly program: Graph;
  readonly float: readonly Float64Array[];
  readonly tf: readonly number[][];
}

/**
 * Runs the float program (the optimizer's extraction, which the quantizer starts from) and TF's
 * int8 model (input quantized with its own parameters, output dequantized) on the evaluation set.
 */
export function references(c: PtqCase, program = optimizedFloatProgram(c.floatGraph)): References {
  const tfQ = tfliteQuantizationOf(c.tfGraph)!;
  const inQ = tfQ.get(c.tfGraph.inputs[0]!.name)!;
  const outQ = tfQ.get(c.tfGraph.outputs[0]!.name)!;
  const float = c.evalSet.map((sample) => runGraph(program, sample)[0]!.toNumbers());
  const tf = c.evalSet.map((sample) => {
    const x = sample[0]!;
    const codes = Tensor.fromNumbers("int8", x.shape, Array.from(x.toNumbers(), (v) => {
      const r = Math.fround(v / inQ.scale[0]!);
      return Math.min(127, Math.max(-128, Math.sign(r) * Math.round(Math.abs(r)) + inQ.zeroPoint[0]!));
    }));
    return Array.from(runGraph(c.tfGraph, [codes])[0]!.toNumbers(), (q) => outQ.scale[0]! * (q - outQ.zeroPoint[0]!));
  });
  return { program, float, tf };
}

/** Quantizes the float program with `options` and compares both int8 programs with it on the evaluation set. */
export function compareWithTf(c: PtqCase, options: Omit<PtqOptions, "onProgress">, refs: References = references(c)): TfComparison {
  const result = quantizeProgram(refs.program, c.calib, options);
  const ours = new SqnrAccumulator();
  const tf = new SqnrAccumulator();
  let top1Ours = 0;
  let top1Tf = 0;
  c.evalSet.forEach((sample, i) => {
    const f = refs.float[i]!;
    const o = runGraph(result.graph, sample)[0]!.toNumbers();
    const t = refs.tf[i]!;
    ours.add(f, o);
    tf.add(f, t);
    if (argmax(o) === argmax(f)) top1Ours++;
    if (argmax(t) === argmax(f)) top1Tf++;
  });
  const n = c.evalSet.length;
  return { sqnrOurs: ours.db, sqnrTf: tf.db, top1Ours: top1Ours / n, top1Tf: top1Tf / n, samples: n, result };
}
