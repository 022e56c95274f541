import { fail } from "../errors.js";
import { readFileWithin } from "../io/read-file.js";
import type { BuildOptions } from "../ir/build.js";
import type { Graph } from "../ir/graph.js";
import { importCaffe } from "./caffe/index.js";
import { importKeras } from "./keras/index.js";
import { importOnnx } from "./onnx/index.js";
import { sniffFormat, type ForeignFormat } from "./sniff.js";
import { importTfGraphDef } from "./tf/index.js";
import { importTflite } from "./tflite/index.js";

export interface ImportOptions extends BuildOptions {
  /** Caffe: the deploy .prototxt (text) that overrides the net embedded in the .caffemodel. */
  readonly prototxt?: string;
  /** TensorFlow GraphDef: names of the nodes that are the inputs / outputs of the subgraph to import. */
  readonly tfInputs?: readonly string[];
  readonly tfOutputs?: readonly string[];
  /** Formats target plugins read that are not models to compile (refused, saying what reads them). */
  readonly foreignFormats?: readonly ForeignFormat[];
  /** Receives the importer's notes (Caffe: dropped training layers, assumptions); the library never prints. */
  readonly onNote?: (note: string) => void;
}

/** Reads a model file and imports it into the IR; the format is recognised by content. */
export function importModelFile(path: string, options: ImportOptions = {}): Graph {
  return importModelBytes(readFileWithin(path, `model file ${path}`), path, options);
}

export function importModelBytes(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  if (bytes.length === 0) fail("parse", `model file ${sourceName}`, "is empty");
  const foreign = options.foreignFormats ?? [];
  const format = sniffFormat(bytes, sourceName, foreign);
  switch (format) {
    case "onnx":
      return importOnnx(bytes, sourceName, options);
    case "caffe":
      return importCaffe(bytes, sourceName, options);
    case "tf":
      return importTfGraphDef(bytes, sourceName, options);
    case "keras":
      return importKeras(bytes, sourceName, options);
    case "tflite":
      return importTflite(bytes, sourceName, options);
    case "unknown":
      // Most likely a damaged ONNX file: let the ONNX decoder explain what is wrong with it.
      return importOnnx(bytes, sourceName, options);
  }
  const reader = foreign.find((f) => f.format === format);
  if (reader === undefined) return fail("internal", `model file ${sourceName}`, `format "${format}" has no importer`);
  // Named like the format but without its header: a damaged file (an intact one was detected by content).
  if (!reader.detect(bytes)) fail("parse", `model file ${sourceName}`, `is named .${reader.extensions[0] ?? reader.format} but does not start like one (${reader.signature}); the file is corrupt`);
  return fail("parse", `model file ${sourceName}`, reader.notCompilable);
}
