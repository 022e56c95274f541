import { ModelProtoType, TensorProtoType, ATTR_TYPE } from "../../src/importers/onnx/schema.js";
import { DTYPES, isSubByte, type DType } from "../../src/ir/dtype.js";
import { packSubByte } from "../../src/ir/subbyte.js";
import { Tensor } from "../../src/ir/tensor.js";

/**
 * Encodes small ONNX models and TensorProto files with protobufjs over Egret's own schema, so
 * tests can drive the whole pipeline (bytes -> importer -> IR -> C) without Python.
 *
 * Attribute shorthands: an integer number is INT, any other number FLOAT; an array of integers is
 * INTS, other number arrays FLOATS; strings are STRING(S); a Tensor is TENSOR. Tagged values force
 * a kind (`{ kind: "floats", value: [1, 2] }`) or make attribute kinds the importer rejects.
 */
export type TaggedAttr =
  | { readonly kind: "float" | "int"; readonly value: number }
  | { readonly kind: "floats" | "ints"; readonly value: readonly number[] }
  /** A subgraph attribute, as If/Loop/Scan carry (an empty graph when `graph` is omitted). */
  | { readonly kind: "graph"; readonly graph?: OnnxGraphSpec }
  /** A sparse tensor attribute holding `value` densely as its values. */
  | { readonly kind: "sparse"; readonly value: Tensor };
export type BuilderAttr = number | string | readonly number[] | readonly string[] | Tensor | TaggedAttr;

export interface OnnxNodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Omitted or "" leaves the name empty in the file (the importer invents `<op>_<index>`). */
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, BuilderAttr>>;
}

export interface OnnxValueSpec {
  readonly name: string;
  /** An Egret dtype or a raw ONNX TensorProto.DataType code (e.g. 8 = STRING). Default float32. */
  readonly dtype?: DType | number;
  /** Sizes, symbolic names, or undefined for an unknown dim; `null` writes no shape at all. */
  readonly dims?: readonly (number | string | undefined)[] | null;
}

/** A subgraph (If branch, Loop/Scan body): formal inputs, outputs, nodes and its own initializers. */
export interface OnnxGraphSpec {
  readonly name?: string;
  readonly inputs: readonly OnnxValueSpec[];
  readonly outputs: readonly (string | OnnxValueSpec)[];
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers?: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;
}

export interface OnnxModelSpec {
  readonly name?: string;
  /** Default-domain opset (default 17); `null` writes no opset_import at all. */
  readonly opset?: number | null;
  readonly extraOpsets?: readonly { readonly domain: string; readonly version: number }[];
  readonly irVersion?: number;
  readonly inputs: readonly OnnxValueSpec[];
  /** Output names (typed float32, unshaped) or full specs. */
  readonly outputs: readonly (string | OnnxValueSpec)[];
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers?: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;
  /** Also list initializers as graph inputs, as IR < 4 exporters did. */
  readonly initializersAsInputs?: boolean;
  /** Initializer and tensor-attribute storage: raw_data bytes or the typed *_data fields. */
  readonly tensorEncoding?: TensorEncoding;
  /** Leave AttributeProto.type unset, as IR version 1 files did. */
  readonly omitAttributeTypes?: boolean;
}

export type TensorEncoding = "raw" | "typed";

type ProtoObject = Record<string, unknown>;

function onnxCode(dtype: DType | number | undefined): number {
  if (dtype === undefined) return DTYPES.float32.onnx;
  return typeof dtype === "number" ? dtype : DTYPES[dtype].onnx;
}

/** A TensorProto as a plain object; int64 values travel as decimal strings (exact). */
export function tensorProtoObject(tensor: Tensor, name: string, encoding: TensorEncoding = "raw"): ProtoObject {
  const proto: ProtoObject = { name, dims: [...tensor.shape], data_type: DTYPES[tensor.dtype].onnx };
  // int4/int2 values travel packed, in raw_data and in int32_data (one byte per entry).
  if (isSubByte(tensor.dtype)) {
    if (encoding === "raw") proto.raw_data = packSubByte(tensor);
    else proto.int32_data = Array.from(packSubByte(tensor));
    return proto;
  }
  if (encoding === "raw") {
    proto.raw_data = tensor.bytes().slice();
    return proto;
  }
  const d = tensor.data;
  switch (tensor.dtype) {
    case "float32": proto.float_data = Array.from(d as Float32Array); break;
    case "float64": proto.double_data = Array.from(d as Float64Array); break;
    case "int64": proto.int64_data = Array.from(d as BigInt64Array, String); break;
    case "uint64": proto.uint64_data = Array.from(d as BigUint64Array, String); break;
    case "uint32": proto.uint64_data = Array.from(d as Uint32Array); break;
    // Narrow ints, bool and float16 bits all travel as int32 (onnx.proto).
    default: proto.int32_data = Array.from(d as Int32Array); break;
  }
  return proto;
}

function valueInfo(v: OnnxValueSpec): ProtoObject {
  const tensorType: ProtoObject = { elem_type: onnxCode(v.dtype) };
  if (v.dims !== null && v.dims !== undefined) {
    tensorType.shape = {
      dim: v.dims.map((d) => (typeof d === "number" ? { dim_value: d } : typeof d === "string" ? { dim_param: d } : {})),
    };
  }
  return { name: v.name, type: { tensor_type: tensorType } };
}

function isTagged(v: BuilderAttr): v is TaggedAttr {
  return typeof v === "object" && !(v instanceof Tensor) && !Array.isArray(v) && "kind" in v;
}

function attributeObject(name: string, value: BuilderAttr, encoding: TensorEncoding, omitType: boolean): ProtoObject {
  const a = attributeFields(name, value, encoding);
  if (omitType) delete a.type;
  return a;
}

function attributeFields(name: string, v: BuilderAttr, encoding: TensorEncoding): ProtoObject {
  if (v instanceof Tensor) return { name, type: ATTR_TYPE.TENSOR, t: tensorProtoObject(v, "", encoding) };
  if (typeof v === "string") return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === "number") {
    return Number.isInteger(v) ? { name, type: ATTR_TYPE.INT, i: v } : { name, type: ATTR_TYPE.FLOAT, f: v };
  }
  if (isTagged(v)) {
    switch (v.kind) {
      case "float": return { name, type: ATTR_TYPE.FLOAT, f: v.value };
      case "int": return { name, type: ATTR_TYPE.INT, i: v.value };
      case "floats": return { name, type: ATTR_TYPE.FLOATS, floats: [...v.value] };
      case "ints": return { name, type: ATTR_TYPE.INTS, ints: [...v.value] };
      case "graph": return { name, type: ATTR_TYPE.GRAPH, g: v.graph ? graphObject({ name: "subgraph", ...v.graph }, encoding, false) : { name: "subgraph" } };
      case "sparse": return { name, type: ATTR_TYPE.SPARSE_TENSOR, sparse_tensor: { values: tensorProtoObject(v.value, "", encoding), dims: [...v.value.shape] } };
    }
  }
  const list = v as readonly (number | string)[];
  if (list.every((x) => typeof x === "string")) {
    return { name, type: ATTR_TYPE.STRINGS, strings: (list as readonly string[]).map((s) => new TextEncoder().encode(s)) };
  }
  const nums = list as readonly number[];
  return nums.every(Number.isInteger) ? { name, type: ATTR_TYPE.INTS, ints: [...nums] } : { name, type: ATTR_TYPE.FLOATS, floats: [...nums] };
}

function initializerEntries(spec: Pick<OnnxModelSpec, "initializers">): [string, Tensor][] {
  const inits = spec.initializers;
  if (!inits) return [];
  return inits instanceof Map ? [...(inits as ReadonlyMap<string, Tensor>)] : Object.entries(inits as Record<string, Tensor>);
}

/** The ModelProto as a plain object, for tests that want to tweak fields before encoding. */
export function modelProtoObject(spec: OnnxModelSpec): ProtoObject {
  const encoding = spec.tensorEncoding ?? "raw";
  const inits = initializerEntries(spec);
  const inputs = [...spec.inputs];
  if (spec.initializersAsInputs) for (const [name, t] of inits) inputs.push({ name, dtype: t.dtype, dims: [...t.shape] });
  const opsets: ProtoObject[] = spec.opset === null ? [] : [{ domain: "", version: spec.opset ?? 17 }];
  for (const o of spec.extraOpsets ?? []) opsets.push({ domain: o.domain, version: o.version });
  return {
    ir_version: spec.irVersion ?? 8,
    producer_name: "egret-tests",
    opset_import: opsets,
    graph: graphObject({ ...spec, name: spec.name ?? "test_model", inputs }, encoding, spec.omitAttributeTypes ?? false),
  };
}

function graphObject(spec: OnnxGraphSpec, encoding: TensorEncoding, omitTypes: boolean): ProtoObject {
  return {
    name: spec.name ?? "",
    node: spec.nodes.map((n) => ({
      name: n.name ?? "",
      op_type: n.op,
      domain: n.domain ?? "",
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attributeObject(k, v, encoding, omitTypes)),
    })),
    initializer: initializerEntries(spec).map(([name, t]) => tensorProtoObject(t, name, encoding)),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map((o) => valueInfo(typeof o === "string" ? { name: o, dims: null } : o)),
  };
}

export function encodeProtoObject(obj: ProtoObject): Uint8Array {
  return ModelProtoType.encode(ModelProtoType.fromObject(obj)).finish();
}

export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  return encodeProtoObject(modelProtoObject(spec));
}

/** A standalone TensorProto file like the conformance suite's input_K.pb / output_K.pb. */
export function encodeTensorProto(tensor: Tensor, name = "", encoding: TensorEncoding = "raw"): Uint8Array {
  return TensorProtoType.encode(TensorProtoType.fromObject(tensorProtoObject(tensor, name, encoding))).finish();
}
