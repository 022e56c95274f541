import { join } from "node:path";
import { defaultQuantizeOptions, quantizeOptionsFrom, type QuantizeCliOptions } from "../src/cli/quantize-options.js";
import { egret } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import type { Sample } from "../src/quantize/calibrate.js";
import { guardedSqnrDb, SQNR_WARNING_DB, type CalibrationCheck } from "../src/quantize/calibration-check.js";
import { argmax, SqnrAccumulator } from "../src/quantize/metrics.js";
import type { PtqResult, QuantizeDType } from "../src/quantize/ptq.js";
import { runBatchC } from "../test/support/batch-run.js";
import { readMnist } from "../test/support/mnist.js";
import { corpusNetworks, SKIPPED_NETWORKS } from "./ptq-corpus.js";
import { db, worstLayer } from "./ptq-format.js";
import { kwsCase } from "./ptq-models.js";
import { autoencoderCase } from "./ptq-synthetic.js";

type Options = QuantizeCliOptions & { quantize: QuantizeDType };
const quiet = (): void => undefined;

/** What `egret compile --quantize` does with these options (the library's quantize phase); its notes go to `log` as the CLI prints them. */
function quantizeSamples(graph: Graph, calibration: readonly Sample[], opts: Options, log: (line: string) => void): { result: PtqResult; check: CalibrationCheck } {
  const { result, check, diagnostics } = egret.quantizeModel(graph, { quantize: quantizeOptionsFrom(opts)!, calibration });
  for (const d of diagnostics) log(`egret: ${d.source}: ${d.message}`);
  if (check === undefined) throw new Error("the guard-rail is on by default: a check was expected");
  return { result, check };
}

/** The lowest output SQNR (dB) of `quantized` against `float` over `samples`, over every graph output. */
function outputSqnr(float: Graph, quantized: Graph, samples: readonly Sample[]): number {
  const acc = float.outputs.map(() => new SqnrAccumulator());
  for (const s of samples) {
    const f = egret.runGraph(float, s);
    const q = egret.runGraph(quantized, s);
    f.forEach((t, i) => acc[i]!.add(t.toNumbers(), q[i]!.toNumbers()));
  }
  return Math.min(...acc.map((a) => a.db));
}

/** Every corpus network with real inputs, quantized as `egret compile` does by default. */
export function guardTable(shared: string): void {
  console.log(`\n## Guard-rail: every corpus network with real inputs, compiled with the defaults (warning under ${SQNR_WARNING_DB} dB on the calibration samples or at the lower bound held out)\n`);
  console.log("| network | calib / eval | output SQNR on calibration (printed) | held out, k-fold (printed) | lower bound (printed) | warned | output SQNR on evaluation inputs | below 20 dB without warning |\n|---|---|---|---|---|---|---|---|");
  const silent: string[] = [];
  for (const entry of corpusNetworks(shared)) {
    const n = entry.load();
    const { result, check } = quantizeSamples(n.floatGraph, n.calib, defaultQuantizeOptions(), quiet);
    const warned = guardedSqnrDb(check) < SQNR_WARNING_DB;
    const onEval = outputSqnr(n.floatGraph, result.graph, n.evalSet);
    const bad = onEval < SQNR_WARNING_DB && !warned;
    if (bad) silent.push(n.name);
    const held = check.heldOut ? [`${db(check.heldOut.outputSqnrDb)} (${check.heldOut.folds})`, db(check.heldOut.lowerBoundDb)] : ["-", "-"];
    console.log(`| ${n.name} | ${n.calib.length} / ${n.evalSet.length} | ${db(check.outputSqnrDb)} | ${held.join(" | ")} | ${warned ? "yes" : "no"} | ${db(onEval)} | ${bad ? "YES" : "no"} |`);
  }
  console.log(`\nnetworks below ${SQNR_WARNING_DB} dB on their evaluation inputs without the warning: ${silent.length === 0 ? "none" : silent.join(", ")}`);
  console.log("not in the table:");
  for (const s of SKIPPED_NETWORKS) console.log(`- ${s}`);
}

/** Top-1 accuracy of `graph` through the generated C over `count` digits from `first`. */
function accuracyThroughC(graph: Graph, digit: (i: number) => Float32Array, labels: Uint8Array, first: number, count: number): string {
  const pixels = digit(0).length;
  const inputs = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) inputs.set(digit(first + i), i * pixels);
  const out = new Float32Array(runBatchC(graph, new Uint8Array(inputs.buffer), count).buffer);
  let right = 0;
  for (let i = 0; i < count; i++) if (argmax(out.subarray(i * 10, i * 10 + 10)) === labels[first + i]) right++;
  return `${right}/${count} = ${((100 * right) / count).toFixed(2)}%`;
}

/** MNIST accuracy through the generated C: the mnist.pb check and onnx2c's model over 9,900 digits. */
export function mnistTable(shared: string): void {
  const m = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
  const digit = (i: number) => Float32Array.from(m.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
  const sample = (shape: number[]) => (i: number): Sample => [new Tensor("float32", shape, digit(i))];
  console.log("\n## MNIST accuracy through the generated C\n");
  const pb = egret.importModelFile(join(shared, "models/tf/mnist-cnn/mnist.pb"), { inputShapes: new Map([["inputs", [1, 28, 28, 1]]]) });
  const calib100 = Array.from({ length: 100 }, (_, i) => sample([1, 28, 28, 1])(i));
  const rows: [string, Graph][] = [["float", pb]];
  for (const [label, opts] of [["int8, defaults", {}], ["int8, --calib-method minmax", { calibMethod: "minmax" }], ["int8, --calib-method kl", { calibMethod: "kl" }]] as const) {
    rows.push([label, quantizeSamples(pb, calib100, { ...defaultQuantizeOptions(), ...opts } as Options, quiet).result.graph]);
  }
  console.log("tf/mnist-cnn/mnist.pb, calibrated on digits 0-99, checked on digits 100-399:");
  for (const [label, g] of rows) console.log(`- ${label}: ${accuracyThroughC(g, digit, m.labels, 100, 300)}`);
  const onnx = egret.importModelFile(join(shared, "models/onnx/onnx2c/test/mnist/model.onnx"), {});
  const calib32 = Array.from({ length: 32 }, (_, k) => sample([1, 1, 28, 28])(3 * k));
  console.log("onnx2c test/mnist/model.onnx, calibrated on 32 of digits 0-99, checked on digits 100-9999:");
  console.log(`- float: ${accuracyThroughC(onnx, digit, m.labels, 100, m.count - 100)}`);
  console.log(`- int8, defaults: ${accuracyThroughC(quantizeSamples(onnx, calib32, defaultQuantizeOptions(), quiet).result.graph, digit, m.labels, 100, m.count - 100)}`);
}

/** Worst per-layer SQNR on evaluation inputs with the defaults, and with --int16-budget 25. */
export function mixedTable(shared: string): void {
  console.log("\n## Mixed precision: worst layer on evaluation inputs, defaults vs --int16-budget 25\n");
  const m = readMnist(join(shared, "models/datasets/mnist/t10k-images-idx3-ubyte.gz"), join(shared, "models/datasets/mnist/t10k-labels-idx1-ubyte.gz"));
  const digit = (i: number): Sample => [new Tensor("float32", [1, 1, 28, 28], Float32Array.from(m.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255))];
  const kws = kwsCase(shared);
  const ad = autoencoderCase();
  const nets = [
    { name: kws.name, graph: kws.floatGraph, calib: kws.calib, evalSet: kws.evalSet },
    { name: "onnx2c MNIST", graph: egret.importModelFile(join(shared, "models/onnx/onnx2c/test/mnist/model.onnx"), {}), calib: Array.from({ length: 32 }, (_, k) => digit(3 * k)), evalSet: Array.from({ length: 150 }, (_, k) => digit(100 + k)) },
    { name: ad.name, graph: ad.floatGraph, calib: ad.calib, evalSet: ad.evalSet },
  ];
  for (const n of nets) {
    const lines: string[] = [];
    const int8 = quantizeSamples(n.graph, n.calib, defaultQuantizeOptions(), quiet).result;
    const mixed = quantizeSamples(n.graph, n.calib, { ...defaultQuantizeOptions(), int16Budget: "25" }, (l: string) => void lines.push(l)).result;
    const chosen = lines.find((l) => l.startsWith("egret: mixed precision:"))?.replace(/^egret: mixed precision: (\d+ of \d+) activations.*$/, "$1") ?? "?";
    console.log(`- ${n.name}: all int8 ${worstLayer(int8.floatProgram, int8, n.evalSet)}; --int16-budget 25 (${chosen} activations int16) ${worstLayer(mixed.floatProgram, mixed, n.evalSet)}`);
  }
}
