import type protobuf from "protobufjs";
import { decodeChecked } from "../protobuf.js";

/**
 * TypeScript views of the caffe.proto messages of schema.ts, as PLAIN objects: a binary message
 * is converted with `toObject` (own properties only for fields present on the wire, every
 * repeated field an array) and the prototxt binder builds the same shape. So an absent optional
 * field is `undefined` and readers apply Caffe's proto2 default with `??` (params.ts).
 * Enums are numbers; 64-bit fields are plain numbers (declared 32-bit in the schema).
 */

export interface BlobShapeMsg {
  readonly dim: readonly number[];
}

export interface BlobMsg {
  readonly shape?: BlobShapeMsg;
  readonly data: readonly number[];
  readonly double_data: readonly number[];
  readonly num?: number;
  readonly channels?: number;
  readonly height?: number;
  readonly width?: number;
}

export interface NetStateRuleMsg {
  readonly phase?: number;
  readonly min_level?: number;
  readonly max_level?: number;
  readonly stage: readonly string[];
  readonly not_stage: readonly string[];
}

/** Messages whose fields are only read through params.ts accessors. */
export type ParamMsg = Readonly<Record<string, unknown>>;

/** LayerParameter and V1LayerParameter share this view; V1's `type` is the V1LayerType number. */
export interface LayerMsg {
  readonly name?: string;
  readonly type?: string | number;
  readonly bottom: readonly string[];
  readonly top: readonly string[];
  readonly blobs: readonly BlobMsg[];
  readonly include: readonly NetStateRuleMsg[];
  readonly exclude: readonly NetStateRuleMsg[];
  readonly [param: `${string}_param`]: ParamMsg | undefined;
}

export interface NetMsg {
  readonly name?: string;
  readonly input: readonly string[];
  readonly input_shape: readonly BlobShapeMsg[];
  readonly input_dim: readonly number[];
  readonly layer: readonly LayerMsg[];
  readonly layers: readonly LayerMsg[];
}

/** The weights-only view (schema.ts WEIGHTS_SCHEMA). */
export interface WeightsLayerMsg {
  readonly name?: string;
  readonly type?: string | number;
  readonly blobs: readonly BlobMsg[];
}

export interface WeightsNetMsg {
  readonly name?: string;
  readonly layer: readonly WeightsLayerMsg[];
  readonly layers: readonly WeightsLayerMsg[];
}

/**
 * Decodes `bytes` as message `type` into a plain object (see the note at the top). protobufjs
 * throws on malformed input (and a deeply nested crafted file can overflow the stack): every such
 * failure goes to `onError` with the decoder's reason.
 */
export function decodePlain<T>(type: protobuf.Type, bytes: Uint8Array, onError: (reason: string) => never): T {
  // The cast is the contract between schema.ts and the interfaces above.
  return decodeChecked(() => type.toObject(type.decode(bytes), { arrays: true }) as unknown as T, bytes, onError);
}
