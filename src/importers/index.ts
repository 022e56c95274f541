import { readFileSync } from "node:fs";
import { fail } from "../errors.js";
import type { BuildOptions } from "../ir/build.js";
import type { Graph } from "../ir/graph.js";
import { importOnnx } from "./onnx/index.js";

export interface ImportOptions extends BuildOptions {}

/** Reads a model file and imports it into the IR; the format is recognised by content. */
export function importModelFile(path: string, options: ImportOptions = {}): Graph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return fail("io", `model file ${path}`, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return importModelBytes(bytes, path, options);
}

export function importModelBytes(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  if (bytes.length === 0) fail("parse", `model file ${sourceName}`, "is empty");
  // ONNX ModelProto is a protobuf message; every other supported format will be sniffed here first.
  return importOnnx(bytes, sourceName, options);
}
