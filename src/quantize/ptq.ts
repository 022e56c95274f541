import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { calibrate, type Sample } from "./calibrate.js";
import type { ActDType } from "./params.js";
import { quantizeGraph, type QuantizedGraph } from "./quantize-graph.js";
import { needsHistogram, rangeMethod, type CalibrationMethodName, type Range } from "./ranges/index.js";
import { softmaxInputRange, softmaxInputs } from "./softmax-range.js";
import type { TensorStats } from "./stats.js";
import { DEFAULT_WEIGHT_ROUNDING, weightRounder, type WeightRounder, type WeightRoundingName } from "./weight-rounding.js";

/** `--quantize` values. uint8 runs the int8 kernels (see docs/quantization.md). */
export const QUANTIZE_DTYPES = ["int8", "uint8", "int16"] as const;
export type QuantizeDType = (typeof QUANTIZE_DTYPES)[number];

export interface PtqOptions {
  /** The ops the programs may use. */
  readonly ops: OpRegistry;
  readonly dtype: QuantizeDType;
  readonly method: CalibrationMethodName;
  /** Per-channel weight scales (default) or one per tensor. */
  readonly perChannel: boolean;
  /** How quantizeProgram rounds weights (default DEFAULT_WEIGHT_ROUNDING). */
  readonly weightRounding?: WeightRoundingName;
  /** Activation dtype forced per float tensor name (mixed precision, JSON override file). */
  readonly overrides?: ReadonlyMap<string, ActDType>;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PtqResult extends QuantizedGraph {
  /** The float program that was calibrated (the optimizer's extraction under the target's cost model). */
  readonly floatProgram: Graph;
  /** The ops both programs may use. */
  readonly ops: OpRegistry;
  readonly stats: ReadonlyMap<string, TensorStats>;
  readonly ranges: ReadonlyMap<string, Range>;
  /** Activation dtype of every float tensor. */
  readonly dtypeOf: (tensor: string) => ActDType;
  /** Softmax inputs whose range starts above the observed minimum: below it, values are don't-care. */
  readonly floors: ReadonlyMap<string, number>;
}

/** The activation dtype of the integer kernels for a `--quantize` value. */
export function activationDType(dtype: QuantizeDType): ActDType {
  return dtype === "int16" ? "int16" : "int8";
}

/** Calibrates `floatProgram` on `samples` and rewrites it onto the integer ops. */
export function quantizeProgram(floatProgram: Graph, samples: readonly Sample[], options: PtqOptions): PtqResult {
  const stats = calibrate(floatProgram, samples, { ops: options.ops, histograms: needsHistogram(options.method), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const rounder = weightRounder(options.weightRounding ?? DEFAULT_WEIGHT_ROUNDING, floatProgram, samples, options.ops);
  return quantizeWithStats(floatProgram, stats, { ...options, rounder });
}

/** What the rewrite needs besides statistics: the scheme, and how weights are rounded (nearest when absent). */
export type RewriteOptions = Omit<PtqOptions, "onProgress" | "weightRounding"> & { readonly rounder?: WeightRounder };

/** The rewrite alone, from statistics already collected (sensitivity analysis reuses them). */
export function quantizeWithStats(floatProgram: Graph, stats: ReadonlyMap<string, TensorStats>, options: RewriteOptions): PtqResult {
  const base = activationDType(options.dtype);
  const dtypeOf = (t: string): ActDType => options.overrides?.get(t) ?? base;
  const method = rangeMethod(options.method);
  const ranges = new Map<string, Range>();
  const floors = new Map<string, number>();
  const logits = softmaxInputs(floatProgram);
  for (const [name, s] of stats) {
    const d = dtypeOf(name);
    const r = method(s, { levels: d === "int16" ? 65536 : 256, symmetric: d === "int16" });
    const shifted = logits.has(name) && d === "int8" ? softmaxInputRange(r, s) : r;
    if (shifted.lo > r.lo) floors.set(name, shifted.lo);
    ranges.set(name, shifted);
  }
  const q = quantizeGraph(floatProgram, ranges, { ops: options.ops, perChannel: options.perChannel, dtypeOf, ...(options.rounder ? { rounder: options.rounder } : {}) });
  return { ...q, floatProgram, ops: options.ops, stats, ranges, dtypeOf, floors };
}
