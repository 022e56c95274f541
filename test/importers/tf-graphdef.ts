import { GraphDefType } from "../../src/importers/tf/schema.js";

/**
 * Test-only GraphDef writer: small frozen graphs spelled like TensorFlow writes them, encoded
 * with the importer's own protobuf schema (field numbers from TensorFlow's .proto files).
 */
export type AttrJson =
  | { i: number }
  | { f: number }
  | { b: boolean }
  | { s: Uint8Array }
  | { type: number }
  | { list: { i?: number[]; shape?: ShapeJson[] } }
  | { shape: ShapeJson }
  | { tensor: TensorJson };

interface ShapeJson {
  dim: { size: number }[];
  unknown_rank?: boolean;
}
interface TensorJson {
  dtype: number;
  tensor_shape: ShapeJson;
  tensor_content?: Uint8Array;
  float_val?: number[];
  int_val?: number[];
}
export interface NodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrJson>;
}

export const DT_FLOAT = 1;
export const DT_INT32 = 3;

export const shape = (dims: readonly number[]): ShapeJson => ({ dim: dims.map((size) => ({ size })) });
export const str = (s: string): { s: Uint8Array } => ({ s: new TextEncoder().encode(s) });
export const ints = (v: number[]): { list: { i: number[] } } => ({ list: { i: v } });

export function placeholder(name: string, dims: readonly number[]): NodeJson {
  return { name, op: "Placeholder", attr: { dtype: { type: DT_FLOAT }, shape: { shape: shape(dims) } } };
}

export function constFloat(name: string, dims: readonly number[], values: readonly number[], asContent = true): NodeJson {
  const tensor: TensorJson = asContent
    ? { dtype: DT_FLOAT, tensor_shape: shape(dims), tensor_content: new Uint8Array(Float32Array.from(values).buffer) }
    : { dtype: DT_FLOAT, tensor_shape: shape(dims), float_val: [...values] };
  return { name, op: "Const", attr: { dtype: { type: DT_FLOAT }, value: { tensor } } };
}

export function constInt(name: string, dims: readonly number[], values: readonly number[]): NodeJson {
  return { name, op: "Const", attr: { dtype: { type: DT_INT32 }, value: { tensor: { dtype: DT_INT32, tensor_shape: shape(dims), int_val: [...values] } } } };
}

export function op(opName: string, name: string, input: string[], attr: Record<string, AttrJson> = {}): NodeJson {
  return { name, op: opName, input, attr: { T: { type: DT_FLOAT }, ...attr } };
}

export function graphDef(nodes: readonly NodeJson[]): Uint8Array {
  return GraphDefType.encode(GraphDefType.fromObject({ node: nodes })).finish();
}

/** Deterministic pseudo-random values in [-1, 1). */
export function seeded(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}
