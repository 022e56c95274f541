import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { calibrate } from "../quantize/calibrate.js";
import { checkOverrides, chooseInt16, layerSensitivity } from "../quantize/mixed.js";
import type { ActDType } from "../quantize/params.js";
import { quantizeWithStats, type PtqResult } from "../quantize/ptq.js";
import { RANDOM_FLOAT_RANGE, RANDOM_SAMPLE_COUNT, randomSamples } from "../quantize/random-samples.js";
import { needsHistogram } from "../quantize/ranges/index.js";
import type { Diagnostics } from "./diagnostics.js";
import type { CalibrationSample, QuantizeOptions } from "./options.js";

/** The scheme a `QuantizeOptions` stands for, defaults filled in. */
export function quantizeScheme(q: QuantizeOptions): { readonly dtype: QuantizeOptions["dtype"]; readonly method: NonNullable<QuantizeOptions["method"]>; readonly perChannel: boolean } {
  return { dtype: q.dtype, method: q.method ?? "kl", perChannel: q.perChannel ?? true };
}

/**
 * The quantize phase: calibration on the extracted float program (the tensors observed are
 * exactly those the integer program has), mixed precision when asked, then the rewrite onto the
 * integer ops. Without calibration inputs it calibrates on seeded random inputs and warns; what
 * stays float and what mixed precision chose are returned as notes.
 */
export function quantizePhase(floatProgram: Graph, q: QuantizeOptions, calibration: readonly CalibrationSample[] | undefined, ops: OpRegistry, diagnostics: Diagnostics): PtqResult {
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
  const stats = calibrate(floatProgram, samples, { ops, histograms: needsHistogram(scheme.method), ...(q.onProgress === undefined ? {} : { onProgress: q.onProgress }) });
  const overrides = new Map<string, ActDType>();
  if (q.int16Budget !== undefined) {
    const sensitivity = layerSensitivity(floatProgram, stats, samples, { ...scheme, ops });
    for (const t of chooseInt16(sensitivity, q.int16Budget)) overrides.set(t, "int16");
    diagnostics.note("mixed precision", `${overrides.size} of ${sensitivity.length} activations int16 within ${q.int16Budget}% of the activation bytes: ${[...overrides.keys()].join(", ") || "(none)"}`);
  }
  if (q.overrides !== undefined) {
    checkOverrides(q.overrides.dtypes, floatProgram, q.overrides.source);
    for (const [t, d] of q.overrides.dtypes) overrides.set(t, d);
  }
  const result = quantizeWithStats(floatProgram, stats, { ...scheme, ops, overrides });
  for (const f of result.fallbacks) diagnostics.note(`${f.node} (${f.op})`, `stays float between QDequantize/QQuantize: ${f.reason}`);
  return result;
}
