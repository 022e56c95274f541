import { fail } from "../../errors.js";
import type { Tensor } from "../../ir/tensor.js";
import type { RawGraphBuilder } from "../tf/raw-builder.js";
import type { LayerConfig } from "./config.js";

/** A Keras tensor in the IR: its name and rank (layers such as BatchNormalization need the rank). */
export interface KTensor {
  readonly name: string;
  readonly rank: number;
}

export interface KerasLayerContext {
  readonly name: string;
  readonly className: string;
  /** `layer "name" (Class)`, for errors. */
  readonly label: string;
  readonly config: LayerConfig;
  readonly ir: RawGraphBuilder;
  readonly inputs: readonly KTensor[];
  /** The layer's weights by short name ("kernel", "bias", "gamma"...). */
  readonly weights: ReadonlyMap<string, Tensor>;
}

/** Translates one call of a Keras layer; returns its (single) output. */
export type KerasConverter = (cx: KerasLayerContext) => KTensor;

export function singleInput(cx: KerasLayerContext): KTensor {
  if (cx.inputs.length !== 1) fail("bad-shape", cx.label, `reads ${cx.inputs.length} tensors, the layer takes one`);
  return cx.inputs[0]!;
}

/** A weight as an IR constant; fails when a required weight is missing from the file. */
export function weight(cx: KerasLayerContext, short: string): string {
  const value = cx.weights.get(short);
  if (!value) {
    fail("missing-tensor", cx.label, `weight "${short}" is missing from the file (present: ${[...cx.weights.keys()].join(", ") || "none"}); the .h5 file does not match its model_config`);
  }
  return cx.ir.constant(`${cx.name}/${short}`, value);
}

export function weightValue(cx: KerasLayerContext, short: string): Tensor {
  const value = cx.weights.get(short);
  if (!value) fail("missing-tensor", cx.label, `weight "${short}" is missing from the file; the .h5 file does not match its model_config`);
  return value;
}

/** channels_last (the default) keeps NHWC; channels_first tensors are already NCHW. */
export function isChannelsFirst(cx: KerasLayerContext): boolean {
  const format = cx.config.string("data_format", "channels_last");
  if (format !== "channels_last" && format !== "channels_first") fail("bad-attribute", cx.label, `data_format "${format}" is not supported`);
  return format === "channels_first";
}
