/**
 * The k210 pipeline's phases one at a time, for tests that look between them: extraction under the
 * k210 target (the shipped rules + rules/targets/k210.rules, the k210-kpu cost model), the target's
 * calibrated lowering, and its output files. Each is the library's own phase with the default
 * toolchain, so what a test sees here is what `compile(graph, { target: "k210" })` does.
 */
import { K210_EMIT_OPTIONS, k210Target } from "../../backends/k210/target.js";
import { buildGraph, optimizeModel, type Graph, type Tensor } from "../../src/index.js";
import { emitModel } from "../../src/emit/emit-model.js";
import { Diagnostics, type Diagnostic } from "../../src/pipeline/diagnostics.js";
import type { TargetOptionValues } from "../../src/pipeline/target.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";

/** The float program extraction chooses for the k210 (KpuConv2DCandidate where the KPU wins). */
export function extractForK210(graph: Graph): Graph {
  return optimizeModel(graph, { target: "k210" });
}

/**
 * The k210 target's lowering with `calibration` (seeded random inputs when absent) and the plugin's
 * options (e.g. `{ inputType: "uint8", mean: [0.5], std: [0.5] }`), and its warnings.
 */
export function lowerK210(program: Graph, calibration?: readonly (readonly Tensor[])[], targetOptions: TargetOptionValues = {}): { program: Graph; diagnostics: readonly Diagnostic[] } {
  const diagnostics = new Diagnostics();
  const lowered = k210Target.lower!(program, { ops: OPS, diagnostics, targetOptions, ...(calibration === undefined ? {} : { calibration }) });
  return { program: lowered, diagnostics: diagnostics.all };
}

/** The k210 target's text output files of a lowered program (model_run returns the KPU status). */
export function k210Files(program: Graph): Map<string, string> {
  return k210Target.files(emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }), program, { ops: OPS, diagnostics: new Diagnostics(), targetOptions: {} });
}

/**
 * x [1, 8, 16, 16] → depthwise 3×3 s2 (pads 1: samples (2i, 2j)) → 1×1 → depthwise 3×3 s2 TF-SAME
 * (pads (0, 1): samples (2i+1, 2j+1)): one KPU chain whose maps are subsampled in KPU RAM and on download.
 */
export function stridedChainGraph(): Graph {
  return buildGraph({
    name: "strided",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y3"],
    constants: new Map([
      ["w1", randomTensor([8, 1, 3, 3], 51, -0.5, 0.5)],
      ["w2", randomTensor([8, 8, 1, 1], 52, -0.5, 0.5)],
      ["w3", randomTensor([8, 1, 3, 3], 53, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "dw1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], strides: [2, 2], group: 8, activation: "Relu" } },
      { name: "pw", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: { activation: "Relu" } },
      { name: "dw2", op: KPU_CONV2D_CANDIDATE, inputs: ["y2", "w3"], outputs: ["y3"], attrs: { pads: [0, 0, 1, 1], strides: [2, 2], group: 8 } },
    ],
  });
}

/** Largest |a − b| and the range of b: the k210 tests bound quantisation error by a share of the range. */
export function worstAndRange(a: ArrayLike<number>, b: ArrayLike<number>): { worst: number; range: number } {
  let worst = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    lo = Math.min(lo, b[i]!);
    hi = Math.max(hi, b[i]!);
  }
  return { worst, range: hi - lo };
}

/** A KpuConv2DCandidate node without bias, for the constructed networks of the k210 tests. */
export function kpuConv(name: string, x: string, w: string, y: string, pads: number[], activation?: string, layout?: "NHWC") {
  return { name, op: KPU_CONV2D_CANDIDATE, inputs: [x, w], outputs: [y], attrs: { pads, ...(layout ? { layout } : {}), ...(activation ? { activation } : {}) } };
}

/** Each tensor's bytes as hex, for byte-for-byte comparisons with readable diffs. */
export const hexBytes = (ts: readonly Tensor[]): string[] => ts.map((t) => Buffer.from(t.bytes()).toString("hex"));

/** The same generated folder built with the device driver (-DEG_KPU_DEVICE) against the register-level KPU model. */
export function deviceModelFiles(files: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(files);
  out.set("Makefile", files.get("Makefile")!.replace(/^SRCS = (.*)$/m, "SRCS = $1 kpu_model.c"));
  return out;
}
