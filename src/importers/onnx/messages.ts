/**
 * TypeScript views of the messages protobufjs decodes with `schema.ts`. They mirror that
 * descriptor: decoded objects always own their repeated fields (possibly empty arrays), while an
 * optional scalar or message field is an own property only when it was present on the wire, so
 * presence is tested with `has()`. int64/uint64 fields decode to Long objects (the `long` package
 * is installed) or to plain numbers without it; `int64ToBigInt` accepts both.
 */

import type { Int64 } from "../protobuf.js";

// The generic protobuf helpers live in ../protobuf.ts; re-exported for the ONNX modules.
export type { Int64, LongLike } from "../protobuf.js";
export { decodeMessage, has, int64ToBigInt, int64ToNumber } from "../protobuf.js";

export interface OperatorSetIdMsg {
  readonly domain?: string;
  readonly version?: Int64;
}

export interface ModelMsg {
  readonly ir_version?: Int64;
  readonly opset_import: readonly OperatorSetIdMsg[];
  readonly producer_name?: string;
  readonly graph?: GraphMsg;
  readonly functions: readonly FunctionMsg[];
}

/** A model-local function (IR 8+): a named subgraph that nodes call like an operator. */
export interface FunctionMsg {
  readonly name?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  /** Attribute names without defaults. */
  readonly attribute: readonly string[];
  /** Attributes with default values (IR 9+). */
  readonly attribute_proto: readonly AttributeMsg[];
  readonly node: readonly NodeMsg[];
  readonly opset_import: readonly OperatorSetIdMsg[];
  readonly domain?: string;
  readonly overload?: string;
}

export interface GraphMsg {
  readonly node: readonly NodeMsg[];
  readonly name?: string;
  readonly initializer: readonly TensorMsg[];
  readonly sparse_initializer: readonly SparseTensorMsg[];
  readonly input: readonly ValueInfoMsg[];
  readonly output: readonly ValueInfoMsg[];
}

export interface NodeMsg {
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name?: string;
  readonly op_type?: string;
  readonly domain?: string;
  readonly overload?: string;
  readonly attribute: readonly AttributeMsg[];
}

export interface AttributeMsg {
  readonly name?: string;
  readonly ref_attr_name?: string;
  readonly type?: number;
  readonly f?: number;
  readonly i?: Int64;
  readonly s?: Uint8Array;
  readonly t?: TensorMsg;
  readonly g?: object;
  readonly sparse_tensor?: SparseTensorMsg;
  readonly tp?: object;
  readonly floats: readonly number[];
  readonly ints: readonly Int64[];
  readonly strings: readonly Uint8Array[];
  readonly tensors: readonly TensorMsg[];
  readonly graphs: readonly object[];
  readonly sparse_tensors: readonly SparseTensorMsg[];
  readonly type_protos: readonly object[];
}

export interface TensorMsg {
  readonly dims: readonly Int64[];
  readonly data_type?: number;
  readonly segment?: object;
  readonly float_data: readonly number[];
  readonly int32_data: readonly number[];
  readonly string_data: readonly Uint8Array[];
  readonly int64_data: readonly Int64[];
  readonly name?: string;
  readonly raw_data?: Uint8Array;
  readonly double_data: readonly number[];
  readonly uint64_data: readonly Int64[];
  readonly external_data: readonly { readonly key?: string; readonly value?: string }[];
  readonly data_location?: number;
}

export interface SparseTensorMsg {
  readonly values?: TensorMsg;
  readonly indices?: TensorMsg;
  readonly dims: readonly Int64[];
}

export interface ValueInfoMsg {
  readonly name?: string;
  readonly type?: TypeMsg;
}

export interface TypeMsg {
  readonly tensor_type?: TensorTypeMsg;
  readonly sequence_type?: object;
  readonly map_type?: object;
  readonly optional_type?: object;
  readonly sparse_tensor_type?: TensorTypeMsg;
  readonly opaque_type?: object;
}

export interface TensorTypeMsg {
  readonly elem_type?: number;
  readonly shape?: { readonly dim: readonly DimensionMsg[] };
}

export interface DimensionMsg {
  readonly dim_value?: Int64;
  readonly dim_param?: string;
}

