import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { egret } from "../src/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Tensor } from "../src/ir/tensor.js";
import { loadOnnxStatic, SHARED_ONNX_DIR } from "./models.js";

/**
 * The models `npm run bench:host` times: every float ONNX model of ../shared/models/onnx with at
 * least SHARED_MIN_MACS multiply-accumulates (smaller ones time call overhead, not kernels), and
 * the ONNX conformance models (Debian's libonnx-testdata) with at least CONFORMANCE_MIN_MACS.
 * Models with MIN_DONE_MACS or more are the acceptance set (geometric mean, worst ratio).
 */
export const SHARED_MIN_MACS = 100_000;
export const CONFORMANCE_MIN_MACS = 500_000;
export const MIN_DONE_MACS = 1_000_000;

const CONFORMANCE_ROOT = "/usr/share/libonnx-testdata/data";
const CONFORMANCE_SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"] as const;

export interface HostBenchModel {
  /** Short name for the table: "shared/..." or "conformance/<suite>/<case>". */
  readonly name: string;
  readonly path: string;
  readonly graph: Graph;
  readonly macs: number;
  /** In the acceptance set (a shared model with at least MIN_DONE_MACS). */
  readonly acceptance: boolean;
  /** Seeded inputs in graph input order (floats in [-1, 1)). */
  readonly inputs: Tensor[];
}

/** Why a model found on disk is not timed. */
export interface SkippedModel {
  readonly name: string;
  readonly reason: string;
}

export function hostBenchModels(): { models: HostBenchModel[]; skipped: SkippedModel[] } {
  const models: HostBenchModel[] = [];
  const skipped: SkippedModel[] = [];
  const consider = (name: string, path: string, minMacs: number, shared: boolean): void => {
    let graph: Graph;
    try {
      graph = loadOnnxStatic(path);
    } catch (e) {
      if (shared) skipped.push({ name, reason: `import: ${firstLine(e)}` });
      return;
    }
    const macs = egret.describeGraph(graph).macs;
    if (macs < minMacs) return;
    const nonFloat = graph.inputs.find((i) => i.dtype !== "float32");
    if (nonFloat !== undefined) {
      skipped.push({ name, reason: `input "${nonFloat.name}" is ${nonFloat.dtype} (the bench feeds float32)` });
      return;
    }
    const inputs = graph.inputs.map((i, k) => seededInput(i.shape, 17 + k));
    models.push({ name, path, graph, macs, acceptance: shared && macs >= MIN_DONE_MACS, inputs });
  };
  for (const rel of onnxFiles(SHARED_ONNX_DIR)) consider(`shared/${rel}`, join(SHARED_ONNX_DIR, rel), SHARED_MIN_MACS, true);
  for (const suite of CONFORMANCE_SUITES) {
    const dir = join(CONFORMANCE_ROOT, suite);
    if (!existsSync(dir)) continue;
    for (const c of readdirSync(dir).sort()) {
      const path = join(dir, c, "model.onnx");
      if (existsSync(path)) consider(`conformance/${suite}/${c}`, path, CONFORMANCE_MIN_MACS, false);
    }
  }
  return { models, skipped };
}

/** .onnx files under root, relative and sorted (none when it is absent). */
function onnxFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else if (e.name.endsWith(".onnx")) found.push(`${rel}${e.name}`);
    }
  };
  walk(root, "");
  return found.sort();
}

/** Floats in [-1, 1) from a small linear congruential generator: the same bytes on every run. */
export function seededInput(shape: readonly number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return new Tensor("float32", [...shape], data);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
