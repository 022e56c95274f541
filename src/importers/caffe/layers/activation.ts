import type { LayerCtx } from "../builder.js";
import { constantChain, scalar } from "./common.js";

/** ReLU (LeakyRelu when negative_slope is set), ReLU6 and Clip (as Clip with constant bounds). */
export function relu(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const slope = ctx.params("relu_param").float("negative_slope", 0);
  const x = ctx.bottom(0);
  if (slope === 0) ctx.opTop(0, "Relu", [x]);
  else ctx.opTop(0, "LeakyRelu", [x], { alpha: slope });
}

function clipBetween(ctx: LayerCtx, lo: number, hi: number): void {
  const x = ctx.bottom(0);
  ctx.opTop(0, "Clip", [x, ctx.constant("min", scalar(lo)), ctx.constant("max", scalar(hi))]);
}

export function relu6(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  clipBetween(ctx, 0, 6);
}

export function clip(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("clip_param");
  if (!p.has("min") || !p.has("max")) p.bad("min", "and max are both required");
  clipBetween(ctx, p.float("min", 0), p.float("max", 0));
}

/** A one-input elementwise layer mapped to one op. */
export function unary(op: string, attrs: (ctx: LayerCtx) => Readonly<Record<string, number>> = () => ({})) {
  return (ctx: LayerCtx): void => {
    ctx.arity([1, 1], [1, 1]);
    ctx.opTop(0, op, [ctx.bottom(0)], attrs(ctx));
  };
}

/** PReLU: one slope per channel (or one shared), broadcast over the spatial axes. */
export function prelu(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  if (xs.length < 2) ctx.fail(`input has shape [${xs.join(",")}]; PReLU needs a channel axis`, "bad-shape");
  const shared = ctx.params("prelu_param").bool("channel_shared", false);
  const slopeShape = shared ? [1] : [xs[1]!, ...new Array<number>(xs.length - 2).fill(1)];
  ctx.opTop(0, "PRelu", [x, ctx.weight(0, slopeShape, "slope")]);
}

/** Power: y = (shift + scale * x) ^ power, skipping the identity steps. */
export function power(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("power_param");
  const [pw, scale, shift] = [p.float("power", 1), p.float("scale", 1), p.float("shift", 0)];
  const steps = [];
  if (scale !== 1) steps.push({ op: "Mul", value: scalar(scale), what: "scale" });
  if (shift !== 0) steps.push({ op: "Add", value: scalar(shift), what: "shift" });
  if (pw !== 1) steps.push({ op: "Pow", value: scalar(pw), what: "power" });
  constantChain(ctx, ctx.bottom(0), steps);
}

/** Exp: y = base ^ (shift + scale * x), computed as exp((shift + scale * x) * ln(base)). */
export function exp(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("exp_param");
  const [base, scale, shift] = [p.float("base", -1), p.float("scale", 1), p.float("shift", 0)];
  if (base !== -1 && base <= 0) p.bad("base", `= ${base} must be positive (or -1 for e)`);
  const factor = scale * (base === -1 ? 1 : Math.log(base));
  let t = ctx.bottom(0);
  if (factor !== 1) t = ctx.op("Mul", [t, ctx.constant("scale", scalar(factor))]);
  if (shift !== 0) t = ctx.op("Add", [t, ctx.constant("shift", scalar(shift * (base === -1 ? 1 : Math.log(base))))]);
  ctx.opTop(0, "Exp", [t]);
}

/** Dropout is the identity at inference. */
export function dropout(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  ctx.alias(0, ctx.bottom(0));
}
