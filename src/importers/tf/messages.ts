import { fail } from "../../errors.js";
import { decodeMessage, type Int64 } from "../protobuf.js";
import { GraphDefType } from "./schema.js";

/**
 * TypeScript views of the messages protobufjs decodes with `schema.ts` (the same conventions as
 * the ONNX importer's messages.ts: repeated fields are always arrays, an optional scalar or
 * message is an own property only when present on the wire, int64 may be a Long or a number).
 */
export interface GraphDefMsg {
  readonly node: readonly NodeDefMsg[];
}

export interface NodeDefMsg {
  readonly name?: string;
  readonly op?: string;
  readonly input: readonly string[];
  readonly attr: Readonly<Record<string, AttrValueMsg>>;
}

export interface AttrValueMsg {
  readonly s?: Uint8Array;
  readonly i?: Int64;
  readonly f?: number;
  readonly b?: boolean;
  readonly type?: number;
  readonly shape?: TensorShapeMsg;
  readonly tensor?: TensorProtoMsg;
  readonly list?: ListValueMsg;
  readonly func?: object;
  readonly placeholder?: string;
}

export interface ListValueMsg {
  readonly s: readonly Uint8Array[];
  readonly i: readonly Int64[];
  readonly f: readonly number[];
  readonly b: readonly boolean[];
  readonly type: readonly number[];
  readonly shape: readonly TensorShapeMsg[];
  readonly tensor: readonly TensorProtoMsg[];
}

export interface TensorProtoMsg {
  readonly dtype?: number;
  readonly tensor_shape?: TensorShapeMsg;
  readonly tensor_content?: Uint8Array;
  readonly half_val: readonly number[];
  readonly float_val: readonly number[];
  readonly double_val: readonly number[];
  readonly int_val: readonly number[];
  readonly string_val: readonly Uint8Array[];
  readonly scomplex_val: readonly number[];
  readonly int64_val: readonly Int64[];
  readonly bool_val: readonly boolean[];
  readonly dcomplex_val: readonly number[];
  readonly uint32_val: readonly number[];
  readonly uint64_val: readonly Int64[];
}

export interface TensorShapeMsg {
  readonly dim: readonly { readonly size?: Int64; readonly name?: string }[];
  readonly unknown_rank?: boolean;
}

/** Decodes a frozen GraphDef; every decoder failure becomes a "parse" EgretError naming the file. */
export function decodeGraphDef(bytes: Uint8Array, sourceName: string): GraphDefMsg {
  const subject = `model file ${sourceName}`;
  const graph = decodeMessage<GraphDefMsg>(GraphDefType, bytes, (reason) =>
    fail("parse", subject, `is not a valid TensorFlow GraphDef (${reason}); the file is truncated, corrupt or in another format: re-export the frozen graph (.pb)`),
  );
  if (graph.node.length === 0) {
    fail("parse", subject, "is not a TensorFlow GraphDef with nodes (an empty graph, or a protobuf of another kind?); pass a frozen graph written by tf.io.write_graph / freeze_graph");
  }
  return graph;
}
