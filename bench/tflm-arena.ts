import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";

/**
 * The arena TensorFlow Lite Micro needed for the same model, when a golden record of it exists:
 * `<...>/shared/golden/<model base name>/meta.txt` (its `arena_used_bytes=` line, written by the
 * golden generator, see shared/golden/README.md). The `shared/golden` folder is found by walking up
 * from the model file, so `.../shared/models/tflite/mlperf-tiny/kws/kws_ref_model.tflite` resolves to
 * `.../shared/golden/kws_ref_model/meta.txt`.
 *
 * Undefined for non-.tflite files and for models without a golden record: the figure is a
 * comparison point for `egret compile --json`, never required to compile.
 */
export function tflmArenaFor(modelPath: string): number | undefined {
  if (extname(modelPath).toLowerCase() !== ".tflite") return undefined;
  const model = basename(modelPath, extname(modelPath));
  const golden = findSharedGolden(dirname(resolve(modelPath)));
  if (golden === undefined) return undefined;
  const meta = join(golden, model, "meta.txt");
  if (!existsSync(meta)) return undefined;
  const match = /^arena_used_bytes=(\d+)\s*$/m.exec(readFileSync(meta, "utf8"));
  return match === null ? undefined : Number(match[1]);
}

/** The nearest `shared/golden` folder at or above `start` (a folder named `shared` counts itself). */
function findSharedGolden(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = basename(dir) === "shared" ? join(dir, "golden") : join(dir, "shared", "golden");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
