import { readFileSync, writeFileSync } from "node:fs";
import { fail } from "../errors.js";
import type { Graph } from "../ir/graph.js";
import { compareStrings } from "../util/compare.js";
import type { Sample } from "./calibrate.js";
import { LayerComparison } from "./layer-compare.js";
import type { ActDType } from "./params.js";
import { quantizeWithStats, type PtqOptions, type PtqResult, type RewriteOptions } from "./ptq.js";
import type { TensorStats } from "./stats.js";

/** Float ops whose integer lowering honours an int16 output (the others are int8-only or float). */
const INT16_CAPABLE = new Set(["Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Relu", "Clip", "LeakyRelu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Concat"]);

/** How much the output suffers when one activation is int8 while all others are int16. */
export interface LayerSensitivity {
  readonly tensor: string;
  readonly elements: number;
  /** SQNR (dB) at the sensitivity targets with every candidate int16, and with this one int8. */
  readonly sqnrAllInt16: number;
  readonly sqnrThisInt8: number;
}

/** Activation tensors that may be int16: outputs of int16-capable ops. */
export function int16Candidates(program: Graph): string[] {
  return program.nodes.filter((n) => INT16_CAPABLE.has(n.op)).map((n) => n.outputs[0]!);
}

/** Ops whose integer kernels have a fixed int8 output scale (1/256 or 1/128). */
const FIXED_OUTPUT = new Set(["Softmax", "Sigmoid", "Tanh"]);

/**
 * Where sensitivity is measured: each graph output, or the input of the Softmax/Sigmoid/Tanh that
 * produces it. Those ops' int8 output (1/256 steps) would otherwise mask every upstream error.
 */
export function sensitivityTargets(program: Graph): string[] {
  return program.outputs.map((o) => {
    const producer = program.nodes.find((n) => n.outputs.includes(o.name));
    return producer && FIXED_OUTPUT.has(producer.op) ? producer.inputs[0]! : o.name;
  });
}

/** The lowest SQNR (dB) over the targets, comparing dequantized integer copies with the float values. */
function targetSqnr(program: Graph, q: PtqResult, samples: readonly Sample[], targets: readonly string[]): number {
  const copies = new Map([...q.copies].filter(([t]) => targets.includes(t)));
  const layers = new LayerComparison(program, q.graph, copies, q.ops, q.floors);
  for (const s of samples) layers.add(s);
  return Math.min(...layers.results().map((l) => l.sqnrDb));
}

/**
 * Per-layer sensitivity on `samples` (the calibration samples): the program with every candidate
 * activation int16 is the reference point; each candidate in turn is made int8 and the drop of
 * SQNR at the outputs (before a final softmax, see sensitivityTargets) is that layer's cost of
 * staying int8. One quantization and |samples| runs per layer.
 */
export function layerSensitivity(program: Graph, stats: ReadonlyMap<string, TensorStats>, samples: readonly Sample[], options: Omit<RewriteOptions, "overrides" | "dtype">): LayerSensitivity[] {
  const candidates = int16Candidates(program);
  const all16 = new Map<string, ActDType>(candidates.map((t) => [t, "int16"]));
  const targets = sensitivityTargets(program);
  const base = targetSqnr(program, quantizeWithStats(program, stats, { ...options, dtype: "int8", overrides: all16 }), samples, targets);
  return candidates.map((tensor) => {
    const overrides = new Map(all16).set(tensor, "int8");
    const q = quantizeWithStats(program, stats, { ...options, dtype: "int8", overrides });
    const elements = program.values.get(tensor)!.shape.reduce((a, b) => a * b, 1);
    return { tensor, elements, sqnrAllInt16: base, sqnrThisInt8: targetSqnr(program, q, samples, targets) };
  });
}

/**
 * Layers to make int16 within `percent` of the activation bytes of the all-int8 candidates
 * (an int16 tensor costs one extra byte per element): the most sensitive first, skipping any that
 * would overflow the budget.
 */
export function chooseInt16(sensitivity: readonly LayerSensitivity[], percent: number): Set<string> {
  const total = sensitivity.reduce((a, s) => a + s.elements, 0);
  let left = (percent / 100) * total;
  const chosen = new Set<string>();
  const byDrop = [...sensitivity].sort((a, b) => b.sqnrAllInt16 - b.sqnrThisInt8 - (a.sqnrAllInt16 - a.sqnrThisInt8) || compareStrings(a.tensor, b.tensor));
  for (const s of byDrop) {
    if (s.elements > left || !(s.sqnrAllInt16 - s.sqnrThisInt8 > 0)) continue;
    chosen.add(s.tensor);
    left -= s.elements;
  }
  return chosen;
}

/**
 * A precision override file: JSON `{"tensor": "int16", ...}`, or a scheme written by
 * --export-scheme (`{"tensors": {"tensor": {"dtype": "int16", ...}}}`). Names are float-program
 * tensor names (as `egret eval` prints them); `checkOverrides` rejects unknown ones.
 */
export function readOverrides(path: string): Map<string, ActDType> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return fail("io", `precision override file ${path}`, `cannot be read as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const root = typeof parsed === "object" && parsed !== null && "tensors" in parsed ? (parsed as { tensors: unknown }).tensors : parsed;
  if (typeof root !== "object" || root === null || Array.isArray(root)) fail("parse", `precision override file ${path}`, 'must be a JSON object {"tensor name": "int8" | "int16"}');
  const out = new Map<string, ActDType>();
  for (const [tensor, value] of Object.entries(root as Record<string, unknown>)) {
    const dtype = typeof value === "object" && value !== null && "dtype" in value ? (value as { dtype: unknown }).dtype : value;
    if (dtype !== "int8" && dtype !== "int16") fail("parse", `precision override file ${path}`, `tensor "${tensor}": "${String(dtype)}" is not int8 or int16`);
    out.set(tensor, dtype);
  }
  return out;
}

/** Overrides must name tensors of the float program; `source` names the file in the error. */
export function checkOverrides(overrides: ReadonlyMap<string, ActDType>, program: Graph, source: string): void {
  for (const tensor of overrides.keys()) {
    if (!program.values.has(tensor)) fail("bad-option", `precision override file ${source}`, `the float program has no tensor "${tensor}" (names as \`egret eval\` prints them)`);
  }
}

/** The chosen scheme as JSON: per float tensor, its dtype and quantization parameters. */
export function schemeJson(result: PtqResult, options: Pick<PtqOptions, "dtype" | "method" | "perChannel" | "weightRounding">): string {
  const tensors: Record<string, { dtype: string; scale: number; zeroPoint: number }> = {};
  for (const [tensor, copies] of [...result.copies].sort(([a], [b]) => compareStrings(a, b))) {
    const q = copies[0]!;
    tensors[tensor] = { dtype: q.dtype, scale: q.params.scale, zeroPoint: q.params.zeroPoint };
  }
  const rounding = options.weightRounding === undefined ? {} : { weightRounding: options.weightRounding };
  return `${JSON.stringify({ dtype: options.dtype, method: options.method, weights: options.perChannel ? "per-channel" : "per-tensor", ...rounding, tensors }, null, 2)}\n`;
}

export function writeScheme(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    fail("io", `scheme file ${path}`, `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
