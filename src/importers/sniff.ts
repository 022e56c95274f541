/**
 * Model format detection by content. HDF5, kmodel and TFLite have magic bytes. The protobuf formats
 * (ONNX, Caffe, TensorFlow GraphDef) have none, so the top-level fields are read (number and wire
 * type, up to the first malformed byte) and compared with each format's ModelProto / NetParameter /
 * GraphDef: a format is ruled out by a field it does not define or defines with another wire type.
 * The field whose payload runs past the end still counts (its tag was read whole), so a truncated
 * file is recognised as what it was and gets that format's truncation error. The extension decides
 * between formats the content leaves open, and names the format of a file too damaged to tell.
 */
import { readTopLevelFields } from "./protobuf.js";

export type ModelFormat = "onnx" | "caffe" | "tf" | "keras" | "tflite" | "kmodel" | "unknown";

type ProtobufFormat = "onnx" | "caffe" | "tf";

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
const SCHEMAS: Readonly<Record<ProtobufFormat, ReadonlyMap<number, readonly number[]>>> = {
  // ModelProto: ir_version, producer_name, producer_version, domain, model_version, doc_string,
  // graph, opset_import, training_info, metadata_props, functions, configuration.
  onnx: new Map([[1, [0]], [2, [2]], [3, [2]], [4, [2]], [5, [0]], [6, [2]], [7, [2]], [8, [2]], [20, [2]], [14, [2]], [25, [2]], [26, [2]]]),
  // NetParameter: name, layers (V1), input, input_dim (packed or not), force_backward, state,
  // debug_info, input_shape, layer.
  caffe: new Map([[1, [2]], [2, [2]], [3, [2]], [4, [0, 2]], [5, [0]], [6, [2]], [7, [0]], [8, [2]], [100, [2]]]),
  // GraphDef: node, library, version (deprecated), versions, debug_info.
  tf: new Map([[1, [2]], [2, [2]], [3, [0]], [4, [2]], [5, [2]]]),
};
const PROTOBUF_FORMATS = Object.keys(SCHEMAS) as ProtobufFormat[];

const EXTENSIONS: Readonly<Record<string, ModelFormat>> = {
  onnx: "onnx", caffemodel: "caffe", pb: "tf", h5: "keras", hdf5: "keras", keras: "keras", tflite: "tflite", kmodel: "kmodel",
};

/** A format fits when it defines every field seen with that wire type. */
function fits(format: ProtobufFormat, fields: readonly [number, number][]): boolean {
  return fields.every(([field, wire]) => SCHEMAS[format].get(field)?.includes(wire) === true);
}

/** Content no damage produces by chance: many Caffe layers, an ONNX graph beside its opset. */
function unmistakable(format: ProtobufFormat, fields: readonly [number, number][]): boolean {
  const count = (n: number) => fields.filter(([f]) => f === n).length;
  return format === "caffe" ? count(100) >= 2 : format === "onnx" ? count(7) > 0 && count(8) > 0 : count(1) >= 2 && count(4) > 0;
}

function sniffProtobuf(bytes: Uint8Array, byExtension: ModelFormat | undefined): ModelFormat {
  const { fields } = readTopLevelFields(bytes, 64);
  if (fields.length === 0) return byExtension ?? "unknown";
  const candidates = PROTOBUF_FORMATS.filter((f) => fits(f, fields));
  const extension = PROTOBUF_FORMATS.find((f) => f === byExtension);
  if (extension !== undefined && candidates.includes(extension)) return extension;
  // Damage later in a file can make it fit another format by chance: the extension stands as long
  // as the file starts like its format, unless the content is unmistakably another one.
  const startsLikeExtension = extension !== undefined && fits(extension, fields.slice(0, 1));
  if (candidates.length === 1 && (!startsLikeExtension || unmistakable(candidates[0]!, fields))) return candidates[0]!;
  if (startsLikeExtension) return extension;
  if (candidates.length === 0) return byExtension ?? "unknown";
  // Caffe and GraphDef share field 1 (name / node) and 2 (layers / library): a net has one name,
  // a graph many nodes; Caffe's layer (100) and GraphDef's versions (4, a message) settle the rest.
  const count = (n: number) => fields.filter(([f]) => f === n).length;
  if (candidates.includes("caffe") && (count(100) > 0 || fields.some(([f, w]) => f === 4 && w === 0))) return "caffe";
  if (candidates.includes("tf") && (count(1) > 1 || count(4) > 0)) return "tf";
  return candidates.includes("caffe") ? "caffe" : candidates[0]!;
}

function isKmodelHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  // v4 starts with 'KMDL' (u32 LE, bytes "LDMK"); v3 with u32 version 3, flags 0/1 and arch 0 (K210-KPU.md §4.1).
  if (String.fromCharCode(...bytes.subarray(0, 4)) === "LDMK") return true;
  const word = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  return word(0) === 3 && (word(4) === 0 || word(4) === 1) && word(8) === 0;
}

export function sniffFormat(bytes: Uint8Array, fileName = ""): ModelFormat {
  if (HDF5_MAGIC.every((b, i) => bytes[i] === b)) return "keras";
  if (isKmodelHeader(bytes)) return "kmodel";
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === "TFL3") return "tflite";
  const byExtension = EXTENSIONS[fileName.toLowerCase().split(".").pop() ?? ""];
  // A damaged magic number: trust the extension of a format that has one.
  if (byExtension === "keras" || byExtension === "tflite" || byExtension === "kmodel") return byExtension;
  return sniffProtobuf(bytes, byExtension);
}
