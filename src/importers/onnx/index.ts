import { fail } from "../../errors.js";
import type { BuildOptions } from "../../ir/build.js";
import type { Graph } from "../../ir/graph.js";

/** Placeholder until the ONNX importer lands (issue 2, importer part). */
export function importOnnx(_bytes: Uint8Array, sourceName: string, _options: BuildOptions = {}): Graph {
  return fail("parse", `model file ${sourceName}`, "ONNX import is not implemented yet");
}
