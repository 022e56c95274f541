import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { calibrate } from "../quantize/calibrate.js";
import { checkOnCalibration, describeCalibrationCheck, type CalibrationCheck } from "../quantize/calibration-check.js";
import { checkHeldOut } from "../quantize/held-out-check.js";
import { checkOverrides, chooseInt16, layerSensitivity } from "../quantize/mixed.js";
import type { ActDType } from "../quantize/params.js";
import { quantizeWithStats, type PtqResult } from "../quantize/ptq.js";
import { RANDOM_FLOAT_RANGE, RANDOM_SAMPLE_COUNT, randomSamples } from "../quantize/random-samples.js";
import { DEFAULT_CALIBRATION_METHOD, needsHistogram } from "../quantize/ranges/index.js";
import { DEFAULT_WEIGHT_ROUNDING, weightRounder, type WeightRoundingName } from "../quantize/weight-rounding.js";
import type { ProgressListener } from "../util/progress.js";
import type { Diagnostics } from "./diagnostics.js";
import type { CalibrationSample, QuantizeOptions } from "./options.js";

/** The scheme a `QuantizeOptions` stands for, defaults filled in. */
export function quantizeScheme(q: QuantizeOptions): { readonly dtype: QuantizeOptions["dtype"]; readonly method: NonNullable<QuantizeOptions["method"]>; readonly perChannel: boolean; readonly weightRounding: WeightRoundingName } {
  return { dtype: q.dtype, method: q.method ?? DEFAULT_CALIBRATION_METHOD, perChannel: q.perChannel ?? true, weightRounding: q.weightRounding ?? DEFAULT_WEIGHT_ROUNDING };
}

/** The quantize phase's result: the programs, and (with the guard-rail) how the integer one tracks the float one. */
export interface Quantized {
  readonly result: PtqResult;
  readonly check?: CalibrationCheck;
}

/**
 * The quantize phase: calibration on the extracted float program (the tensors observed are
 * exactly those the integer program has), mixed precision when asked, then the rewrite onto the
 * integer ops with the weights rounded as asked (GPTQ reads the samples once more), then the
 * guard-rail: both programs on the calibration samples and, refitted without each fold of them,
 * on that fold (held-out-check.ts); the figures as a note and a warning under SQNR_WARNING_DB.
 * Without calibration inputs it calibrates on seeded random inputs and warns; what stays float
 * and what mixed precision chose are returned as notes.
 */
export function quantizePhase(floatProgram: Graph, q: QuantizeOptions, calibration: readonly CalibrationSample[] | undefined, ops: OpRegistry, diagnostics: Diagnostics, progress?: ProgressListener): Quantized {
  const scheme = quantizeScheme(q);
  if (q.int16Budget !== undefined) {
    if (!(q.int16Budget >= 0 && q.int16Budget <= 100)) fail("bad-option", "option --int16-budget", `"${q.int16Budget}" is not a percentage from 0 to 100`);
    if (q.dtype === "int16") fail("bad-option", "option --int16-budget", "mixes int16 into an int8 program; use it with --quantize int8 or uint8");
  }
  let samples = calibration;
  if (samples === undefined) {
    const [lo, hi] = RANDOM_FLOAT_RANGE;
    diagnostics.warn(
      "--quantize without --calib",
      `calibrating on ${RANDOM_SAMPLE_COUNT} seeded random inputs (float inputs uniform in [${lo}, ${hi}]). These ranges will NOT match real data and accuracy can fall far below the float model's. Give representative inputs with --calib PATH (docs/quantization.md).`,
    );
    samples = randomSamples(floatProgram);
  }
  const onProgress = (done: number, total: number): void => {
    q.onProgress?.(done, total);
    progress?.({ task: "calibrating", done, total, detail: "runs" });
  };
  const stats = calibrate(floatProgram, samples, { ops, histograms: needsHistogram(scheme.method), onProgress });
  const rounder = weightRounder(scheme.weightRounding, floatProgram, samples, ops);
  const overrides = new Map<string, ActDType>();
  if (q.int16Budget !== undefined) {
    const sensitivity = layerSensitivity(floatProgram, stats, samples, { ...scheme, ops, rounder });
    for (const t of chooseInt16(sensitivity, q.int16Budget)) overrides.set(t, "int16");
    diagnostics.note("mixed precision", `${overrides.size} of ${sensitivity.length} activations int16 within ${q.int16Budget}% of the activation bytes: ${[...overrides.keys()].join(", ") || "(none)"}`);
  }
  if (q.overrides !== undefined) {
    checkOverrides(q.overrides.dtypes, floatProgram, q.overrides.source);
    for (const [t, d] of q.overrides.dtypes) overrides.set(t, d);
  }
  const result = quantizeWithStats(floatProgram, stats, { ...scheme, ops, overrides, rounder });
  for (const f of result.fallbacks) diagnostics.note(`${f.node} (${f.op})`, `stays float between QDequantize/QQuantize: ${f.reason}`);
  if (q.guardRail === false) return { result };
  const fitting = { ops, dtype: scheme.dtype, method: scheme.method, perChannel: scheme.perChannel, weightRounding: scheme.weightRounding, overrides };
  const heldOut = checkHeldOut(floatProgram, samples, { ...fitting, onProgress: (done, total) => progress?.({ task: "checking on held-out samples", done, total, detail: "folds" }) });
  const check = { ...checkOnCalibration(result, samples), ...(heldOut === undefined ? {} : { heldOut }) };
  const { figure, warning } = describeCalibrationCheck(check);
  diagnostics.note("quantize", figure);
  if (warning !== undefined) diagnostics.warn("quantize", warning);
  return { result, check };
}
