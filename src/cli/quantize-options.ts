import { Command, Option } from "commander";
import { loadSamples, type CalibOptions, type Layout } from "../calib/data.js";
import { checkImagePixels } from "../calib/image-size.js";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { CalibrationSample, QuantizeOptions } from "../pipeline/options.js";
import type { Target } from "../pipeline/target.js";
import { readOverrides, schemeJson, writeScheme } from "../quantize/mixed.js";
import type { PtqResult } from "../quantize/ptq.js";
import { QUANTIZE_DTYPES, type QuantizeDType } from "../quantize/ptq.js";
import { CALIBRATION_METHODS, DEFAULT_CALIBRATION_METHOD, type CalibrationMethodName } from "../quantize/ranges/index.js";
import { DEFAULT_WEIGHT_ROUNDING, WEIGHT_ROUNDINGS, type WeightRoundingName } from "../quantize/weight-rounding.js";

/** The options `egret compile` and `egret eval` share for post-training quantization. */
export interface QuantizeCliOptions {
  quantize?: QuantizeDType;
  calib?: string;
  calibMethod: CalibrationMethodName;
  weightRounding?: WeightRoundingName;
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
    .option("--per-tensor", "one weight scale per weight tensor (default: one per output channel)")
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
export function readSamples(graph: Graph, path: string, opts: QuantizeCliOptions): CalibrationSample[] {
  return loadSamples(path, graph.inputs, dataOptions(opts)).tensors;
}

/** The library's quantize options from the command line (undefined without --quantize); progress comes through the compile's `onProgress`. */
export function quantizeOptionsFrom(opts: QuantizeCliOptions): QuantizeOptions | undefined {
  if (opts.quantize === undefined) return undefined;
  let int16Budget: number | undefined;
  if (opts.int16Budget !== undefined) int16Budget = Number(opts.int16Budget);
  return {
    dtype: opts.quantize,
    method: opts.calibMethod,
    perChannel: opts.perTensor !== true,
    ...(opts.weightRounding === undefined ? {} : { weightRounding: opts.weightRounding }),
    ...(int16Budget === undefined ? {} : { int16Budget }),
    ...(opts.precisionOverrides === undefined ? {} : { overrides: { dtypes: readOverrides(opts.precisionOverrides), source: opts.precisionOverrides } }),
  };
}

/** The options `--quantize <dtype>` alone gives (every other option at its default), as commander parses them. */
export function defaultQuantizeOptions(dtype: QuantizeDType = "int8"): QuantizeCliOptions & { quantize: QuantizeDType } {
  const cmd = addQuantizeOptions(new Command().exitOverride());
  cmd.parse(["--quantize", dtype, "--quiet"], { from: "user" });
  return cmd.opts<QuantizeCliOptions & { quantize: QuantizeDType }>();
}

/**
 * `--calib` for the compile: it calibrates `--quantize`, or the lowering of a target that
 * quantises its own layers; anything else has no use for it.
 */
export function calibrationFrom(graph: Graph, opts: QuantizeCliOptions, target: Target): CalibrationSample[] | undefined {
  if (opts.calib === undefined) return undefined;
  if (opts.quantize === undefined && target.ownQuantization === undefined) fail("bad-option", "option --calib", "calibration data needs --quantize int8|uint8|int16");
  return readSamples(graph, opts.calib, opts);
}

/** `--export-scheme FILE`: the chosen per-tensor dtypes, scales and zero points (nothing without the option). */
export function exportScheme(opts: QuantizeCliOptions, result: PtqResult | undefined): void {
  if (opts.exportScheme === undefined || result === undefined || opts.quantize === undefined) return;
  writeScheme(opts.exportScheme, schemeJson(result, { dtype: opts.quantize, method: opts.calibMethod, perChannel: opts.perTensor !== true, weightRounding: opts.weightRounding ?? DEFAULT_WEIGHT_ROUNDING }));
}
