import type protobuf from "protobufjs";

/**
 * TypeScript views of the messages protobufjs decodes with `schema.ts`. They mirror that
 * descriptor: decoded objects always own their repeated fields (possibly empty arrays), while an
 * optional scalar or message field is an own property only when it was present on the wire, so
 * presence is tested with `has()`. int64/uint64 fields decode to Long objects (the `long` package
 * is installed) or to plain numbers without it; `int64ToBigInt` accepts both.
 */

export interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}
export type Int64 = LongLike | number;

export interface OperatorSetIdMsg {
  readonly domain?: string;
  readonly version?: Int64;
}

export interface ModelMsg {
  readonly ir_version?: Int64;
  readonly opset_import: readonly OperatorSetIdMsg[];
  readonly producer_name?: string;
  readonly graph?: GraphMsg;
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

/** Whether an optional field was present in the decoded bytes (see the note at the top). */
export function has<T extends object>(msg: T, field: keyof T & string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field);
}

export function int64ToBigInt(v: Int64): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
}

/** int64 as a double; exact up to 2^53 (dims, axes); larger sentinels like INT64_MAX round. */
export function int64ToNumber(v: Int64): number {
  return typeof v === "number" ? v : Number(int64ToBigInt(v));
}

/**
 * Decodes `bytes` as message `type`. protobufjs throws RangeError/Error on malformed input (and a
 * deeply nested crafted file can overflow the stack): every such failure is reported through
 * `onError` with the decoder's reason, so callers turn it into an EgretError.
 */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, onError: (reason: string) => never): T {
  try {
    // The cast is the contract between schema.ts and the interfaces above.
    return type.decode(bytes) as unknown as T;
  } catch (e) {
    return onError(e instanceof Error ? e.message : String(e));
  }
}
