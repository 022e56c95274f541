import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { egret, type Graph } from "../src/index.js";
import { readOnnxModel } from "../src/importers/onnx/index.js";
import { PACKAGE_ROOT } from "../src/paths.js";

/** A model the bench measures: a display name and how to import it (may throw). */
export interface BenchModel {
  readonly name: string;
  load(): Graph;
}

export const SHARED_ONNX_DIR = join(PACKAGE_ROOT, "..", "shared", "models", "onnx");
export const PYTORCH_CONVERTED_DIR = "/usr/share/libonnx-testdata/data/pytorch-converted";

/**
 * Imports an ONNX file with every symbolic or unknown input dimension set to 1 (the batch size of
 * an MCU program), so that models exported with a dynamic batch still get a static schedule.
 */
export function loadOnnxStatic(path: string): Graph {
  const raw = readOnnxModel(readFileSync(path), path);
  const inputShapes = new Map<string, number[]>();
  for (const input of raw.inputs) {
    if (input.dims.some((d) => typeof d !== "number" || d < 0)) {
      inputShapes.set(input.name, input.dims.map((d) => (typeof d === "number" && d >= 0 ? d : 1)));
    }
  }
  // Initializers listed as inputs are constants, and --input-shape rejects them.
  for (const name of raw.constants.keys()) inputShapes.delete(name);
  return egret.buildGraph(raw, { inputShapes });
}

/** The .onnx files under ../shared/models/onnx (none when the folder is absent). */
export function sharedModels(root = SHARED_ONNX_DIR): BenchModel[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".onnx")) found.push(p);
    }
  };
  walk(root);
  return found.sort().map((path) => ({ name: shortName(relative(root, path)), load: () => loadOnnxStatic(path) }));
}

/** The libonnx pytorch-converted cases, one model.onnx per folder. */
export function pytorchConvertedModels(root = PYTORCH_CONVERTED_DIR): BenchModel[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((c) => existsSync(join(root, c, "model.onnx")))
    .sort()
    .map((c) => ({ name: `pytorch-converted/${c}`, load: () => loadOnnxStatic(join(root, c, "model.onnx")) }));
}

/** "onnx2c/test/local_ops/test_x/model.onnx" -> "onnx2c/local_ops/test_x": short enough for a table. */
function shortName(rel: string): string {
  return rel.replace(/\/model\.onnx$/, "").replace(/\.onnx$/, "").replace(/^onnx2c\/test\//, "onnx2c/");
}
