import { BUILTIN_NAMES } from "./builtin-names.js";
import { FlatReader, type Table } from "./flatbuffer.js";

/**
 * Plain views of the parts of a TFLite flatbuffer (tflite_schema.fbs) the importer uses. Field
 * slots below are the schema's field order (a union takes two slots: its type, then its value).
 */
export interface TfliteQuantization {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  readonly quantizedDimension: number;
}

export interface TfliteTensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  /** TensorType code (FLOAT32 = 0, INT8 = 9, ...). */
  readonly type: number;
  readonly buffer: number;
  readonly quantization: TfliteQuantization | undefined;
  readonly isVariable: boolean;
}

export interface TfliteOperator {
  readonly index: number;
  readonly opcodeIndex: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** BuiltinOptions union type (0 = none) and table. */
  readonly optionsType: number;
  readonly options: Table | undefined;
}

export interface TfliteOperatorCode {
  /** The builtin code: max(deprecated_builtin_code, builtin_code), as TFLite reads it. */
  readonly builtin: number;
  readonly customCode: string | undefined;
  readonly version: number;
}

export interface TfliteSubGraph {
  readonly name: string;
  readonly tensors: readonly TfliteTensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly operators: readonly TfliteOperator[];
}

export interface TfliteModel {
  readonly version: number;
  readonly description: string;
  readonly operatorCodes: readonly TfliteOperatorCode[];
  readonly subgraphs: readonly TfliteSubGraph[];
  /** Constant data per buffer index; empty = no data (a run-time tensor). */
  readonly buffers: readonly Uint8Array[];
}

const CUSTOM = 32;
/** Builtin codes past 127 are in `builtin_code`; `deprecated_builtin_code` saturates at 127. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** Decodes and verifies the model; throws EgretError("parse") naming whatever is malformed. */
export function decodeTflite(bytes: Uint8Array, subject: string): TfliteModel {
  const r = new FlatReader(bytes, subject);
  if (bytes.length < 8) r.corrupt("file header", `the file has ${bytes.length} bytes, fewer than the 8-byte header`);
  const model = r.root("Model");
  const version = model.scalar(0, "u32", "version", 0);
  const operatorCodes = model.tables(1, "operator_codes", (i) => `operator_codes[${i}]`).map((t) => operatorCode(r, t));
  const subgraphs = model.tables(2, "subgraphs", (i) => `subgraphs[${i}]`).map((t, i) => subGraph(t, i));
  const description = model.string(3, "description") ?? "";
  const buffers = model.tables(4, "buffers", (i) => `buffers[${i}]`).map((t) => bufferData(r, t));
  if (subgraphs.length === 0) r.corrupt("Model", "it has no subgraph");
  return { version, description, operatorCodes, subgraphs, buffers };
}

function operatorCode(r: FlatReader, t: Table): TfliteOperatorCode {
  const deprecated = t.scalar(0, "i8", "deprecated_builtin_code", 0);
  const builtinCode = t.scalar(3, "i32", "builtin_code", 0);
  const builtin = Math.max(deprecated, builtinCode);
  if (deprecated < 0 || builtinCode < 0 || (deprecated !== PLACEHOLDER_FOR_GREATER_OP_CODES && builtinCode !== 0 && builtinCode !== deprecated)) {
    r.corrupt(t.what, `builtin codes disagree (deprecated_builtin_code ${deprecated}, builtin_code ${builtinCode})`);
  }
  return { builtin, customCode: builtin === CUSTOM ? t.string(1, "custom_code") : undefined, version: t.scalar(2, "i32", "version", 1) };
}

function subGraph(t: Table, index: number): TfliteSubGraph {
  const tensors = t.tables(0, "tensors", (i) => `${t.what}.tensors[${i}]`).map((x, i) => tensor(x, i));
  const operators = t.tables(3, "operators", (i) => `${t.what}.operators[${i}]`).map((x, i) => operator(x, i));
  return {
    name: t.string(4, "name") ?? `subgraph_${index}`,
    tensors,
    inputs: t.scalars(1, "i32", "inputs"),
    outputs: t.scalars(2, "i32", "outputs"),
    operators,
  };
}

function tensor(t: Table, index: number): TfliteTensor {
  const q = t.table(4, "quantization");
  return {
    index,
    name: t.string(3, "name") ?? `tensor_${index}`,
    shape: t.scalars(0, "i32", "shape"),
    type: t.scalar(1, "i8", "type", 0),
    buffer: t.scalar(2, "u32", "buffer", 0),
    quantization: q ? quantization(q) : undefined,
    isVariable: t.bool(5, "is_variable", false),
  };
}

/** Undefined when the table carries no scale (a float tensor with only min/max, or none). */
function quantization(t: Table): TfliteQuantization | undefined {
  const scale = t.scalars(2, "f32", "scale");
  if (scale.length === 0) return undefined;
  return { scale, zeroPoint: t.scalars(3, "i64", "zero_point"), quantizedDimension: t.scalar(6, "i32", "quantized_dimension", 0) };
}

function operator(t: Table, index: number): TfliteOperator {
  return {
    index,
    opcodeIndex: t.scalar(0, "u32", "opcode_index", 0),
    inputs: t.scalars(1, "i32", "inputs"),
    outputs: t.scalars(2, "i32", "outputs"),
    optionsType: t.scalar(3, "u8", "builtin_options_type", 0),
    options: t.table(4, "builtin_options"),
  };
}

/** Inline data, or data stored after the flatbuffer (`offset`/`size`, for files over 2 GB). */
function bufferData(r: FlatReader, t: Table): Uint8Array {
  const inline = t.bytes(0, "data");
  if (inline && inline.length > 0) return inline;
  const offset = t.scalar(1, "i64", "offset", 0);
  const size = t.scalar(2, "i64", "size", 0);
  if (offset <= 1) return new Uint8Array(0);
  r.check(offset, size, 1, `${t.what} (external data)`);
  return r.bytes.subarray(offset, offset + size);
}

/** `CONV_2D`, `CUSTOM:name`, or `builtin code N` for codes this schema does not know. */
export function operatorName(code: TfliteOperatorCode): string {
  if (code.builtin === CUSTOM) return `CUSTOM:${code.customCode ?? "(no custom_code)"}`;
  return BUILTIN_NAMES[code.builtin] ?? `builtin code ${code.builtin}`;
}
