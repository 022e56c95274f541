/**
 * Post-training quantization figures (issue 5), printed as tables:
 * 1. IC ResNet-8 and KWS DS-CNN: Egret's int8 program (every calibration method, per-channel and
 *    per-tensor weights) vs the TensorFlow converter's int8 model, output SQNR against the float
 *    program and top-1 agreement with it, on evaluation inputs never used for calibration
 *    (bench/ptq-models.ts says which).
 * 2. MNIST (onnx2c's model.onnx): float and int8 accuracy on the 9,900 test digits after the
 *    first 100, through the generated C, calibrated on 32 of the first 100 digits.
 * 3. Mixed precision (KWS, MNIST): worst-layer SQNR with all activations int8 and with the most
 *    sensitive ones int16 within a 25% budget of activation bytes (--int16-budget 25).
 * Run: `npx vite-node bench/ptq.ts` (needs ../shared and a C compiler). Asserts nothing.
 */
import { join } from "node:path";
import { egret } from "../src/index.js";
import { Tensor } from "../src/ir/tensor.js";
import { argmax } from "../src/quantize/metrics.js";
import { quantizeProgram } from "../src/quantize/ptq.js";
import { CALIBRATION_METHODS } from "../src/quantize/ranges/index.js";
import { runBatchC } from "../test/support/batch-run.js";
import { readMnist } from "../test/support/mnist.js";
import { SHARED_DIR } from "../test/support/testdata.js";
import type { Graph } from "../src/ir/graph.js";
import type { Sample } from "../src/quantize/calibrate.js";
import { calibrate } from "../src/quantize/calibrate.js";
import { LayerComparison } from "../src/quantize/layer-compare.js";
import { chooseInt16, layerSensitivity } from "../src/quantize/mixed.js";
import { quantizeWithStats, type PtqResult } from "../src/quantize/ptq.js";
import { compareWithTf, icCase, kwsCase, references } from "./ptq-models.js";

/** Worst per-layer SQNR (dB) of `q` against `program` on `evalSet`, and that layer. */
function worstLayer(program: Graph, q: PtqResult, evalSet: readonly Sample[]): string {
  const layers = new LayerComparison(program, q.graph, q.copies, q.ops);
  for (const s of evalSet) layers.add(s);
  const worst = layers.results().reduce((a, b) => (b.sqnrDb < a.sqnrDb ? b : a));
  return `${worst.sqnrDb.toFixed(2)} dB (${worst.tensor})`;
}

/** All-int8 vs --int16-budget `percent`: the worst layer of each, on the evaluation set. */
function mixedFigures(name: string, program: Graph, calib: readonly Sample[], evalSet: readonly Sample[], percent: number): void {
  const stats = calibrate(program, calib, { ops: egret.toolchain.ops, histograms: false });
  const scheme = { dtype: "int8", method: "minmax", perChannel: true, ops: egret.toolchain.ops } as const;
  const chosen = chooseInt16(layerSensitivity(program, stats, calib, scheme), percent);
  const int8 = quantizeWithStats(program, stats, scheme);
  const mixed = quantizeWithStats(program, stats, { ...scheme, overrides: new Map([...chosen].map((t) => [t, "int16" as const])) });
  console.log(`${name}: worst layer all int8 ${worstLayer(program, int8, evalSet)}; int16 budget ${percent}% (${chosen.size} layers int16) ${worstLayer(program, mixed, evalSet)}`);
}

const db = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "inf");

if (process.argv.includes("--mixed-only")) {
  const kws = kwsCase(SHARED_DIR);
  mixedFigures(kws.name, egret.optimizeModel(kws.floatGraph), kws.calib, kws.evalSet, 25);
  process.exit(0);
}

console.log("| model | method | weights | SQNR ours (dB) | SQNR TF int8 (dB) | top-1 agreement ours | top-1 agreement TF | eval inputs |");
console.log("|---|---|---|---|---|---|---|---|");
for (const make of [icCase, kwsCase]) {
  const c = make(SHARED_DIR);
  const refs = references(c);
  for (const method of CALIBRATION_METHODS) {
    for (const perChannel of [true, false]) {
      const r = compareWithTf(c, { dtype: "int8", method, perChannel }, refs);
      console.log(`| ${c.name} | ${method} | ${perChannel ? "per-channel" : "per-tensor"} | ${db(r.sqnrOurs)} | ${db(r.sqnrTf)} | ${r.top1Ours.toFixed(3)} | ${r.top1Tf.toFixed(3)} | ${r.samples} |`);
    }
  }
}

const graph = egret.importModelFile(join(SHARED_DIR, "models/onnx/onnx2c/test/mnist/model.onnx"), {});
const mnist = readMnist(join(SHARED_DIR, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(SHARED_DIR, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
const pixels = mnist.rows * mnist.cols;
const digit = (i: number) => Float32Array.from(mnist.images.subarray(i * pixels, (i + 1) * pixels), (v) => v / 255);
const calib = Array.from({ length: 32 }, (_, k) => [new Tensor("float32", [1, 1, 28, 28], digit(3 * k))]);
const count = mnist.count - 100;
const inputs = new Float32Array(count * pixels);
for (let i = 0; i < count; i++) inputs.set(digit(100 + i), i * pixels);
const accuracy = (out: Float32Array) => {
  let right = 0;
  for (let i = 0; i < count; i++) if (argmax(out.subarray(i * 10, i * 10 + 10)) === mnist.labels[100 + i]) right++;
  return `${right}/${count} = ${((100 * right) / count).toFixed(2)}%`;
};
const bytes = new Uint8Array(inputs.buffer);
console.log(`\nMNIST float (C): ${accuracy(new Float32Array(runBatchC(graph, bytes, count).buffer))}`);
const program = egret.optimizeModel(graph);
for (const method of CALIBRATION_METHODS) {
  for (const dtype of ["int8", "int16"] as const) {
    const q = quantizeProgram(program, calib, { dtype, method, perChannel: true, ops: egret.toolchain.ops });
    console.log(`MNIST ${dtype} ${method} (C): ${accuracy(new Float32Array(runBatchC(q.graph, bytes, count).buffer))}`);
  }
}

const kws = kwsCase(SHARED_DIR);
console.log("");
mixedFigures(kws.name, egret.optimizeModel(kws.floatGraph), kws.calib, kws.evalSet, 25);
mixedFigures("MNIST", program, calib, Array.from({ length: 300 }, (_, k) => [new Tensor("float32", [1, 1, 28, 28], digit(100 + k))]), 25);
