import { Tensor } from "../../../ir/tensor.js";
import type { LayerCtx } from "../builder.js";

/** A converter turns one Caffe layer into IR nodes through its LayerCtx. */
export type LayerConverter = (ctx: LayerCtx) => void;

/** A Caffe axis (negative counts from the end) as an index in [0, rank). */
export function normAxis(ctx: LayerCtx, axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) ctx.fail(`${what} ${axis} is out of range for a blob of rank ${rank}`);
  return a;
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function scalar(value: number): Tensor {
  return Tensor.fromNumbers("float32", [], [value]);
}

/**
 * Applies elementwise steps `x <op> constant` in order; the last one computes top 0. With no steps
 * the top is the input unchanged.
 */
export function constantChain(ctx: LayerCtx, x: string, steps: readonly { readonly op: string; readonly value: Tensor; readonly what: string }[]): void {
  let t = x;
  steps.forEach((s, i) => {
    const c = ctx.constant(s.what, s.value);
    t = i === steps.length - 1 ? ctx.opTop(0, s.op, [t, c]) : ctx.op(s.op, [t, c]);
  });
  if (steps.length === 0) ctx.alias(0, x);
}
