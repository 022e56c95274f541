import { fail } from "../errors.js";
import { readFileWithin } from "../io/read-file.js";
import type { BuildOptions } from "../ir/build.js";
import type { Graph } from "../ir/graph.js";
import { importCaffe } from "./caffe/index.js";
import { importKeras } from "./keras/index.js";
import { isKmodel } from "./kmodel/index.js";
import { importOnnx } from "./onnx/index.js";
import { sniffFormat } from "./sniff.js";
import { importTfGraphDef } from "./tf/index.js";
import { importTflite } from "./tflite/index.js";

export interface ImportOptions extends BuildOptions {
  /** Caffe: the deploy .prototxt (text) that overrides the net embedded in the .caffemodel. */
  readonly prototxt?: string;
  /** TensorFlow GraphDef: names of the nodes that are the inputs / outputs of the subgraph to import. */
  readonly tfInputs?: readonly string[];
  readonly tfOutputs?: readonly string[];
}

/** Reads a model file and imports it into the IR; the format is recognised by content. */
export function importModelFile(path: string, options: ImportOptions = {}): Graph {
  return importModelBytes(readFileWithin(path, `model file ${path}`), path, options);
}

export function importModelBytes(bytes: Uint8Array, sourceName: string, options: ImportOptions = {}): Graph {
  if (bytes.length === 0) fail("parse", `model file ${sourceName}`, "is empty");
  const format = sniffFormat(bytes, sourceName);
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
    case "kmodel":
      // Named .kmodel but without a kmodel header (else the CLI would have read it as one).
      if (!isKmodel(bytes)) fail("parse", `model file ${sourceName}`, "is named .kmodel but does not start like one (u32 3 with arch 0 for v3, 'KMDL' for v4); the file is corrupt");
      return fail("parse", `model file ${sourceName}`, "is a compiled K210 kmodel, not a model to compile: `egret info` and `egret run` read kmodels");
    case "unknown":
      // Most likely a damaged ONNX file: let the ONNX decoder explain what is wrong with it.
      return importOnnx(bytes, sourceName, options);
  }
}
