/**
 * Model format detection by content. Protobuf formats (ONNX, Caffe, TensorFlow GraphDef) are told
 * apart by the field numbers of their top-level messages; the extension only breaks ties.
 */
export type ModelFormat = "onnx" | "caffe" | "tf" | "keras" | "tflite" | "kmodel" | "unknown";

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Top-level protobuf field numbers with their wire types, read until the first malformed byte. */
function topLevelFields(bytes: Uint8Array, limit = 64): Map<number, number> {
  const fields = new Map<number, number>();
  let pos = 0;
  const varint = (): number | undefined => {
    let result = 0;
    for (let shift = 0; shift < 50; shift += 7) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return undefined;
  };
  while (pos < bytes.length && fields.size < limit) {
    const tag = varint();
    if (tag === undefined) break;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) break;
    if (wire === 0) {
      if (varint() === undefined) break;
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined || pos + len > bytes.length) break;
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else break;
    if (pos > bytes.length) break;
    fields.set(field, (fields.get(field) ?? 0) + 1);
  }
  return fields;
}

export function sniffFormat(bytes: Uint8Array, fileName = ""): ModelFormat {
  if (HDF5_MAGIC.every((b, i) => bytes[i] === b)) return "keras";
  // kmodel v4 starts with 'KMDL'; v3 with u32 version 3, flags 0/1 and arch 0 (K210-KPU.md §4.1).
  if (bytes.length >= 12 && (String.fromCharCode(...bytes.subarray(0, 4)) === "LDMK" || (bytes[0] === 3 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 && bytes[4]! <= 1 && bytes.subarray(8, 12).every((b) => b === 0)))) return "kmodel";
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === "TFL3") return "tflite";
  const ext = fileName.toLowerCase().split(".").pop() ?? "";
  const fields = topLevelFields(bytes);
  // ONNX ModelProto: graph (7) and/or opset_import (8), ir_version (1) is a varint.
  if (fields.has(7) || fields.has(8)) return "onnx";
  // Caffe NetParameter: layer (100) or legacy layers (2), input_dim (4).
  if (fields.has(100) || (fields.has(2) && ext !== "pb")) return "caffe";
  // GraphDef: repeated node (1), versions (4), library (2).
  if (fields.has(1) && (fields.get(1)! > 1 || fields.has(4))) return ext === "caffemodel" ? "caffe" : "tf";
  if (ext === "onnx") return "onnx";
  if (ext === "caffemodel") return "caffe";
  if (ext === "pb") return "tf";
  return "unknown";
}
