import { Builder, type Offset } from "flatbuffers";

/**
 * A minimal TFLite flatbuffer writer for single-operator test models (the corpus has no float
 * TRANSPOSE_CONV and no SAME-padded one). Field slots follow ../shared/models/schema/tflite_schema.fbs;
 * a union field takes two slots (its type, then its value).
 */

export const TENSOR_TYPE = { float32: 0, int32: 2, int64: 4, int16: 7, int8: 9 } as const;

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: number;
  /** Constant data (little-endian bytes); absent for run-time tensors. */
  readonly data?: Uint8Array;
  readonly quant?: { readonly scale: readonly number[]; readonly zeroPoint: readonly number[]; readonly axis?: number };
}

export interface OperatorSpec {
  readonly builtin: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The BuiltinOptions union type and a writer of the options table (absent: no options). */
  readonly optionsType?: number;
  readonly options?: (b: Builder) => Offset;
}

function intVector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function floatVector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function longVector(b: Builder, values: readonly number[]): Offset {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly Offset[]): Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** One subgraph with the given tensors (buffer i+1 for tensor i's data) and one operator. */
export function singleOperatorModel(tensors: readonly TensorSpec[], inputs: readonly number[], outputs: readonly number[], op: OperatorSpec): Uint8Array {
  const b = new Builder(1024);
  const buffers: Offset[] = [];
  const emptyBuffer = () => { b.startObject(1); return b.endObject(); };
  buffers.push(emptyBuffer()); // buffer 0: the empty sentinel
  for (const t of tensors) {
    if (!t.data) { buffers.push(emptyBuffer()); continue; }
    b.startVector(1, t.data.length, 16);
    for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]!);
    const data = b.endVector();
    b.startObject(1);
    b.addFieldOffset(0, data, 0);
    buffers.push(b.endObject());
  }
  const tensorOffsets = tensors.map((t, i) => {
    const name = b.createString(t.name);
    const shape = intVector(b, t.shape);
    let quant = 0;
    if (t.quant) {
      const scale = floatVector(b, t.quant.scale);
      const zp = longVector(b, t.quant.zeroPoint);
      b.startObject(7);
      b.addFieldOffset(2, scale, 0);
      b.addFieldOffset(3, zp, 0);
      b.addFieldInt32(6, t.quant.axis ?? 0, 0);
      quant = b.endObject();
    }
    b.startObject(5);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type, -1);
    b.addFieldInt32(2, i + 1, -1);
    b.addFieldOffset(3, name, 0);
    if (quant) b.addFieldOffset(4, quant, 0);
    return b.endObject();
  });
  const options = op.options ? op.options(b) : 0;
  const opInputs = intVector(b, op.inputs);
  const opOutputs = intVector(b, op.outputs);
  b.startObject(5);
  b.addFieldInt32(0, 0, -1);
  b.addFieldOffset(1, opInputs, 0);
  b.addFieldOffset(2, opOutputs, 0);
  if (options) {
    b.addFieldInt8(3, op.optionsType ?? 0, -1);
    b.addFieldOffset(4, options, 0);
  }
  const operator = b.endObject();

  const tensorVec = offsetVector(b, tensorOffsets);
  const inVec = intVector(b, inputs);
  const outVec = intVector(b, outputs);
  const opVec = offsetVector(b, [operator]);
  b.startObject(4);
  b.addFieldOffset(0, tensorVec, 0);
  b.addFieldOffset(1, inVec, 0);
  b.addFieldOffset(2, outVec, 0);
  b.addFieldOffset(3, opVec, 0);
  const subgraph = b.endObject();

  b.startObject(4);
  b.addFieldInt8(0, Math.min(op.builtin, 127), -1);
  b.addFieldInt32(2, 1, -1);
  b.addFieldInt32(3, op.builtin, -1);
  const opcode = b.endObject();

  const opcodes = offsetVector(b, [opcode]);
  const subgraphs = offsetVector(b, [subgraph]);
  const bufferVec = offsetVector(b, buffers);
  b.startObject(5);
  b.addFieldInt32(0, 3, -1);
  b.addFieldOffset(1, opcodes, 0);
  b.addFieldOffset(2, subgraphs, 0);
  b.addFieldOffset(4, bufferVec, 0);
  b.finish(b.endObject(), "TFL3");
  return b.asUint8Array();
}

/** Little-endian bytes of typed values. */
export function bytesOf(values: Float32Array | Int32Array | Int8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}
