import { fail } from "../../errors.js";
import type { Tensor } from "../../ir/tensor.js";
import type { TfAttrs } from "./attrs.js";
import type { RawGraphBuilder } from "./raw-builder.js";

/** What a converter sees of one TensorFlow node. */
export interface TfNodeContext {
  /** The TensorFlow node name: the base for IR node and tensor names. */
  readonly name: string;
  readonly op: string;
  /** `node "name" (Op)`, for errors. */
  readonly label: string;
  readonly attrs: TfAttrs;
  readonly ir: RawGraphBuilder;
  /** IR tensor names of the node's data inputs (control inputs are already dropped). */
  readonly inputs: readonly string[];
}

/**
 * Translates one TensorFlow node into IR nodes; returns the IR tensor for each TensorFlow output
 * index it supports (index k answers `name:k`).
 */
export type TfConverter = (cx: TfNodeContext) => readonly string[];

/** Checks the number of data inputs; `max` defaults to `min`. */
export function arity(cx: TfNodeContext, min: number, max = min): void {
  const n = cx.inputs.length;
  if (n < min || n > max) {
    fail("bad-shape", cx.label, `has ${n} data inputs, ${cx.op} takes ${min === max ? min : `${min} to ${max}`}; the graph is corrupt`);
  }
}

/**
 * The compile-time value of input `index` (a Const, possibly behind Identity nodes). Values that
 * are only known after shape inference (the Keras Flatten chain) are not available here: ops that
 * accept those pass the tensor on as an IR input and let the core fold it.
 */
export function constInput(cx: TfNodeContext, index: number, what: string): Tensor {
  const value = cx.ir.constantValue(cx.inputs[index]!);
  if (!value) {
    fail("non-constant", cx.label, `input ${index} (the ${what}) must be a constant in the frozen graph; it is computed at run time, which Egret cannot compile statically`);
  }
  return value;
}

/** The spatial entries (H, W) of a 4-entry NHWC or NCHW list attribute such as strides. */
export function spatialPair(cx: TfNodeContext, attr: string, values: readonly number[], nchw: boolean): number[] {
  if (values.length !== 4) fail("bad-attribute", cx.label, `attribute "${attr}" has ${values.length} values, expected 4 (one per NHWC dimension)`);
  const [batch, h, w, channel] = nchw ? [values[0]!, values[2]!, values[3]!, values[1]!] : (values as [number, number, number, number]);
  if (batch !== 1 || channel !== 1) {
    fail("bad-attribute", cx.label, `attribute "${attr}" [${values.join(",")}] moves along the batch or channel dimension; only spatial ${attr} are supported`);
  }
  if (h < 1 || w < 1) fail("bad-attribute", cx.label, `attribute "${attr}" [${values.join(",")}] must be positive`);
  return [h, w];
}

/** Whether the node computes in NCHW (`data_format`), failing on formats Egret does not know. */
export function isNchw(cx: TfNodeContext): boolean {
  const format = cx.attrs.string("data_format", "NHWC");
  if (format !== "NHWC" && format !== "NCHW") fail("bad-attribute", cx.label, `data_format "${format}" is not supported (NHWC or NCHW)`);
  return format === "NCHW";
}
