import { Command, Option } from "commander";
import { loadSamples, type CalibOptions, type Layout } from "../calib/data.js";
import { checkImagePixels } from "../calib/image-size.js";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { Sample } from "../quantize/calibrate.js";
import { calibrate } from "../quantize/calibrate.js";
import { checkOnCalibration, formatCalibrationCheck, type CalibrationCheck } from "../quantize/calibration-check.js";
import { checkHeldOut } from "../quantize/held-out-check.js";
import { chooseInt16, layerSensitivity, readOverrides, schemeJson, writeScheme } from "../quantize/mixed.js";
import type { ActDType } from "../quantize/params.js";
import { optimizedFloatProgram, QUANTIZE_DTYPES, quantizeWithStats, type PtqOptions, type PtqResult, type QuantizeDType } from "../quantize/ptq.js";
import { clearProgress, progressLine } from "./progress.js";
import { RANDOM_FLOAT_RANGE, RANDOM_SAMPLE_COUNT, randomSamples } from "../quantize/random-samples.js";
import { DEFAULT_WEIGHT_ROUNDING, WEIGHT_ROUNDINGS, weightRounder, type WeightRoundingName } from "../quantize/weight-rounding.js";
import { CALIBRATION_METHODS, DEFAULT_CALIBRATION_METHOD, needsHistogram, type CalibrationMethodName } from "../quantize/ranges/index.js";

/** The options `egret compile` and `egret eval` share for post-training quantization. */
export interface QuantizeCliOptions {
  quantize?: QuantizeDType;
  calib?: string;
  calibMethod: CalibrationMethodName;
  weightRounding?: WeightRoundingName;
  perChannel?: boolean;
  perTensor?: boolean;
  samples?: string;
  mean?: string;
  std?: string;
  layout?: Layout;
  resize?: string;
  quiet?: boolean;
  /** JSON output: no progress line either. */
  json?: boolean;
  int16Budget?: string;
  precisionOverrides?: string;
  exportScheme?: string;
}

export function addQuantizeOptions(cmd: Command, quantizeRequired = false): Command {
  const dtype = new Option("--quantize <dtype>", "post-training quantization of a float model: activations int8, uint8 or int16 (weights int8)").choices([...QUANTIZE_DTYPES]);
  return cmd
    .addOption(quantizeRequired ? dtype.makeOptionMandatory() : dtype)
    .option("--calib <path>", "calibration data: .npy/.npz/.bin/.raw/.png/.jpg file or a folder of them")
    .addOption(new Option("--calib-method <method>", "how calibration ranges are chosen (auto: per tensor, the method with the least measured error)").choices([...CALIBRATION_METHODS]).default(DEFAULT_CALIBRATION_METHOD))
    .addOption(new Option("--weight-rounding <how>", "how weights are rounded to int8 (gptq: error-compensating, from the calibration data)").choices([...WEIGHT_ROUNDINGS]).default(DEFAULT_WEIGHT_ROUNDING))
    .option("--per-channel", "one weight scale per output channel (the default)")
    .option("--per-tensor", "one weight scale per weight tensor")
    .option("--samples <n>", "use only the first N calibration samples")
    .option("--mean <values>", "images: per-channel mean subtracted from x/255 (comma-separated)")
    .option("--std <values>", "images: per-channel std dividing (x/255 - mean) (comma-separated)")
    .addOption(new Option("--layout <layout>", "images: layout of the model input (default: inferred)").choices(["nchw", "nhwc"]))
    .option("--resize <HxW>", "images: resize to HxW, then centre-crop to the input size")
    .option("--int16-budget <percent>", "mixed precision: make the most sensitive activations int16 within PERCENT of the activation bytes")
    .option("--precision-overrides <file.json>", 'mixed precision: force activations to int8/int16, {"tensor": "int16"} (or an --export-scheme file)')
    .option("--export-scheme <file.json>", "write the chosen per-tensor dtypes, scales and zero points as JSON")
    .option("--quiet", "no progress line on the terminal (it is never shown when stderr is not a terminal, nor with --json)");
}

/** Parses the calibration-data options shared with `egret eval --data`. */
export function dataOptions(opts: QuantizeCliOptions): CalibOptions {
  const numbers = (text: string | undefined, option: string) => {
    if (text === undefined) return undefined;
    const values = text.split(",").map((s) => Number(s.trim()));
    if (values.some((v) => !Number.isFinite(v))) fail("bad-option", `option ${option}`, `"${text}" is not a comma-separated list of numbers`);
    return values;
  };
  const mean = numbers(opts.mean, "--mean");
  const std = numbers(opts.std, "--std");
  let resize: [number, number] | undefined;
  if (opts.resize !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(opts.resize);
    if (!m) fail("bad-option", "option --resize", `"${opts.resize}" is not HxW (e.g. 36x36)`);
    resize = [Number(m[1]), Number(m[2])];
    if (!(resize[0] >= 1 && resize[1] >= 1)) fail("bad-option", "option --resize", `"${opts.resize}" must be at least 1x1`);
    checkImagePixels(resize[1], resize[0], "option --resize");
  }
  let samples: number | undefined;
  if (opts.samples !== undefined) {
    samples = Number(opts.samples);
    if (!Number.isInteger(samples) || samples < 1) fail("bad-option", "option --samples", `"${opts.samples}" is not a positive whole number`);
  }
  return { ...(mean ? { mean } : {}), ...(std ? { std } : {}), ...(opts.layout ? { layout: opts.layout } : {}), ...(resize ? { resize } : {}), ...(samples ? { samples } : {}) };
}

/** Samples of `path` for the graph's inputs (errors name the file and what is wrong). */
export function readSamples(graph: Graph, path: string, opts: QuantizeCliOptions): Sample[] {
  return loadSamples(path, graph.inputs, dataOptions(opts)).tensors;
}

/**
 * Calibrates and quantizes `graph` per the options: the float program is optimised, calibrated on
 * --calib (or, loudly, on seeded random inputs) with a progress bar on a terminal, and rewritten
 * onto the integer ops. Prints what stayed float to stderr.
 */
export function quantizeFromOptions(graph: Graph, opts: QuantizeCliOptions & { quantize: QuantizeDType }): PtqResult {
  if (opts.perChannel && opts.perTensor) fail("bad-option", "option --per-tensor", "--per-channel and --per-tensor exclude each other; give one");
  let samples: Sample[];
  if (opts.calib === undefined) {
    const [lo, hi] = RANDOM_FLOAT_RANGE;
    const rule = "*".repeat(78);
    console.error(
      [
        "",
        rule,
        `* WARNING: --quantize without --calib: calibrating on ${RANDOM_SAMPLE_COUNT} seeded random inputs`,
        `* (float inputs uniform in [${lo}, ${hi}]). These ranges will NOT match real data and`,
        "* accuracy can fall far below the float model's. Give representative inputs with",
        "* --calib PATH (docs/quantization.md).",
        rule,
        "",
      ].join("\n"),
    );
    samples = randomSamples(graph);
  } else {
    samples = readSamples(graph, opts.calib, opts);
  }
  return quantizeSamples(graph, samples, opts).result;
}

/**
 * What `egret compile --quantize` does once the samples are read: optimise, calibrate (progress
 * bar on a terminal), round weights, choose mixed precision, rewrite onto the integer ops, then
 * check the result on the calibration samples and, refitted without each fold of them, on that
 * fold (held-out-check.ts). Notes, the check and its warning go to `log`.
 */
export function quantizeSamples(graph: Graph, samples: readonly Sample[], opts: QuantizeCliOptions & { quantize: QuantizeDType }, log: (line: string) => void = console.error): { result: PtqResult; check: CalibrationCheck } {
  const { result, fitting } = fitQuantization(graph, samples, opts, log);
  const progress = progressLine(opts);
  const heldOut = checkHeldOut(result.floatProgram, samples, { ...fitting, ...(progress === undefined ? {} : { onProgress: (done: number, total: number) => progress({ task: "checking on held-out samples", done, total, detail: "folds" }) }) });
  clearProgress();
  const check = { ...checkOnCalibration(result, samples), ...(heldOut ? { heldOut } : {}) };
  for (const line of formatCalibrationCheck(check)) log(line);
  return { result, check };
}

/** quantizeSamples without the guard-rail check: the program, and the settings it was fitted with. */
export function fitQuantization(graph: Graph, samples: readonly Sample[], opts: QuantizeCliOptions & { quantize: QuantizeDType }, log: (line: string) => void = console.error): { result: PtqResult; fitting: PtqOptions } {
  const program = optimizedFloatProgram(graph);
  const progress = progressLine(opts);
  const stats = calibrate(program, samples, { histograms: needsHistogram(opts.calibMethod), ...(progress === undefined ? {} : { onProgress: (done: number, total: number) => progress({ task: "calibrating", done, total, detail: "runs" }) }) });
  clearProgress();
  const weightRounding = opts.weightRounding ?? DEFAULT_WEIGHT_ROUNDING;
  const scheme = { dtype: opts.quantize, method: opts.calibMethod, perChannel: opts.perTensor !== true, rounder: weightRounder(weightRounding, program, samples) };
  const overrides = new Map<string, ActDType>();
  if (opts.int16Budget !== undefined) {
    const percent = Number(opts.int16Budget);
    if (!(percent >= 0 && percent <= 100)) fail("bad-option", "option --int16-budget", `"${opts.int16Budget}" is not a percentage from 0 to 100`);
    if (opts.quantize === "int16") fail("bad-option", "option --int16-budget", "mixes int16 into an int8 program; use it with --quantize int8 or uint8");
    const sensitivity = layerSensitivity(program, stats, samples, scheme);
    for (const t of chooseInt16(sensitivity, percent)) overrides.set(t, "int16");
    log(`egret: mixed precision: ${overrides.size} of ${sensitivity.length} activations int16 within ${percent}% of the activation bytes: ${[...overrides.keys()].join(", ") || "(none)"}`);
  }
  if (opts.precisionOverrides !== undefined) for (const [t, d] of readOverrides(opts.precisionOverrides, program)) overrides.set(t, d);
  const result = quantizeWithStats(program, stats, { ...scheme, overrides });
  if (opts.exportScheme !== undefined) writeScheme(opts.exportScheme, schemeJson(result, { ...scheme, weightRounding }));
  for (const f of result.fallbacks) log(`egret: note: ${f.node} (${f.op}) stays float between QDequantize/QQuantize: ${f.reason}`);
  return { result, fitting: { dtype: scheme.dtype, method: scheme.method, perChannel: scheme.perChannel, weightRounding, overrides } };
}

/** The options `--quantize <dtype>` alone gives (every other option at its default), as commander parses them. */
export function defaultQuantizeOptions(dtype: QuantizeDType = "int8"): QuantizeCliOptions & { quantize: QuantizeDType } {
  const cmd = addQuantizeOptions(new Command().exitOverride());
  cmd.parse(["--quantize", dtype, "--quiet"], { from: "user" });
  return cmd.opts<QuantizeCliOptions & { quantize: QuantizeDType }>();
}

/** The graph `egret compile` emits: quantized when --quantize is given, else as imported. */
export function maybeQuantize(graph: Graph, opts: QuantizeCliOptions): Graph {
  if (opts.quantize === undefined) {
    if (opts.calib !== undefined) fail("bad-option", "option --calib", "calibration data needs --quantize int8|uint8|int16");
    return graph;
  }
  return quantizeFromOptions(graph, { ...opts, quantize: opts.quantize }).graph;
}
