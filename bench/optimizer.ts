import { compileGraph, type CompileOptions, type CompileResult } from "../src/compile.js";
import { EgretError } from "../src/errors.js";
import { buildGraph } from "../src/ir/build.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";

/**
 * The options the bench passes. Typed as an intersection so this file compiles both before and
 * after `CompileOptions` gains `optimize` (issue 3's pipeline): a variable, unlike a literal, is
 * not checked for excess properties.
 */
type BenchCompileOptions = CompileOptions & { readonly optimize?: boolean };

export function compileWith(graph: Graph, optimize: boolean): CompileResult {
  const options: BenchCompileOptions = { optimize };
  return compileGraph(graph, options);
}

export interface OptimizerProbe {
  readonly available: boolean;
  /** Why: what the probe compile showed. */
  readonly note: string;
}

/**
 * Whether compileGraph honours `{optimize: true}`. Types are gone at run time, so the probe
 * compiles a Conv -> BatchNormalization -> Relu chain (which issue 3 requires to become one
 * kernel call) both ways: the optimizer is there if it removes kernel calls or reports anything
 * the baseline summary does not have (its saturation report).
 */
export function detectOptimizer(): OptimizerProbe {
  const graph = probeGraph();
  const baseline = compileWith(graph, false);
  let optimized: CompileResult;
  try {
    optimized = compileWith(graph, true);
  } catch (e) {
    if (e instanceof EgretError && e.code === "bad-option") return { available: false, note: `compileGraph rejects {optimize: true}: ${e.message}` };
    return { available: false, note: `compileGraph({optimize: true}) fails on the probe graph: ${e instanceof Error ? e.message : String(e)}` };
  }
  const extra = [...newKeys(baseline.summary, optimized.summary), ...newKeys(baseline, optimized)];
  const fewerCalls = optimized.summary.kernelCalls < baseline.summary.kernelCalls;
  if (fewerCalls || extra.length > 0) {
    const how = fewerCalls ? `Conv+BatchNorm+Relu: ${baseline.summary.kernelCalls} -> ${optimized.summary.kernelCalls} kernel calls` : "same kernel calls on the probe";
    return { available: true, note: `${how}${extra.length > 0 ? `; reports ${extra.join(", ")}` : ""}` };
  }
  return { available: false, note: "compileGraph ignores {optimize: true} (same kernel calls and summary on a Conv+BatchNorm+Relu probe)" };
}

function newKeys(before: object, after: object): string[] {
  const known = new Set(Object.keys(before));
  return Object.keys(after).filter((k) => !known.has(k));
}

/**
 * The optimized graph, when the pipeline hands it back on the result (as `graph` or
 * `optimizedGraph`): the bench prices it with the cost model. Undefined if it does not.
 */
export function resultGraph(result: CompileResult): Graph | undefined {
  for (const key of ["graph", "optimizedGraph"]) {
    const value: unknown = Reflect.get(result, key);
    if (isGraph(value)) return value;
  }
  return undefined;
}

function isGraph(value: unknown): value is Graph {
  if (typeof value !== "object" || value === null) return false;
  return Array.isArray(Reflect.get(value, "nodes")) && Reflect.get(value, "values") instanceof Map && Reflect.get(value, "constants") instanceof Map;
}

/** x[1,3,8,8] -> Conv 3x3 (4 channels) -> BatchNormalization -> Relu, all weights constant. */
function probeGraph(): Graph {
  const ramp = (shape: number[], scale: number): Tensor =>
    Tensor.fromNumbers("float32", shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 7) - 3) * scale));
  const ones = Tensor.fromNumbers("float32", [4], [1, 1.5, 0.5, 2]);
  const constants = new Map<string, Tensor>([
    ["w", ramp([4, 3, 3, 3], 0.1)],
    ["b", ramp([4], 0.2)],
    ["scale", ones],
    ["shift", ramp([4], 0.05)],
    ["mean", ramp([4], 0.01)],
    ["var", ones],
  ]);
  return buildGraph({
    name: "optimizer_probe",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 8, 8] }],
    outputs: ["y"],
    constants,
    nodes: [
      { name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "bn", op: "BatchNormalization", inputs: ["c", "scale", "shift", "mean", "var"], outputs: ["n"], attrs: {} },
      { name: "relu", op: "Relu", inputs: ["n"], outputs: ["y"], attrs: {} },
    ],
  });
}
