import { fail } from "../../errors.js";
import type { Graph } from "../../ir/graph.js";
import type { ImportOptions } from "../index.js";

/** Placeholder until this importer lands (issue 8). */
export function importKeras(_bytes: Uint8Array, sourceName: string, _options: ImportOptions = {}): Graph {
  return fail("parse", `model file ${sourceName}`, "this model format is not supported yet");
}
