import type { LayerCtx } from "../builder.js";
import { normAxis, scalar } from "./common.js";

const PROD = 0;
const SUM = 1;
const MAX = 2;

/**
 * Eltwise over equally shaped bottoms: SUM (each bottom times its coefficient: Add, Sub for the
 * [1, -1] difference, Sum for more), PROD (Mul chain) and MAX (Max).
 */
export function eltwise(ctx: LayerCtx): void {
  ctx.arity([2, Infinity], [1, 1]);
  const p = ctx.params("eltwise_param");
  const operation = p.int("operation", SUM);
  const coeffs = p.floats("coeff");
  const xs = ctx.layer.bottoms.map((_, i) => ctx.bottom(i));
  const shape = ctx.shape(xs[0]!);
  xs.forEach((x, i) => {
    const s = ctx.shape(x);
    if (s.length !== shape.length || s.some((d, k) => d !== shape[k])) {
      ctx.fail(`bottom ${i} has shape [${s.join(",")}] but bottom 0 has [${shape.join(",")}]; Eltwise needs equal shapes`, "bad-shape");
    }
  });
  if (coeffs.length > 0 && (operation !== SUM || coeffs.length !== xs.length)) {
    p.bad("coeff", `has ${coeffs.length} values; coefficients apply to SUM only, one per bottom (${xs.length})`);
  }
  if (operation === SUM) {
    const c = coeffs.length > 0 ? coeffs : xs.map(() => 1);
    if (xs.length === 2 && c[0] === 1 && c[1] === -1) {
      ctx.opTop(0, "Sub", xs);
      return;
    }
    const terms = xs.map((x, i) => (c[i] === 1 ? x : ctx.op("Mul", [x, ctx.constant(`coeff${i}`, scalar(c[i]!))])));
    ctx.opTop(0, terms.length === 2 ? "Add" : "Sum", terms);
  } else if (operation === PROD) {
    let acc = xs[0]!;
    for (let i = 1; i < xs.length; i++) acc = i === xs.length - 1 ? ctx.opTop(0, "Mul", [acc, xs[i]!]) : ctx.op("Mul", [acc, xs[i]!]);
  } else if (operation === MAX) {
    ctx.opTop(0, "Max", xs);
  } else {
    p.bad("operation", `= ${operation} is not PROD, SUM or MAX`);
  }
}

/** Concat along `axis` (or the legacy concat_dim); one bottom is passed through. */
export function concat(ctx: LayerCtx): void {
  ctx.arity([1, Infinity], [1, 1]);
  const p = ctx.params("concat_param");
  const xs = ctx.layer.bottoms.map((_, i) => ctx.bottom(i));
  const rank = ctx.shape(xs[0]!).length;
  const raw = p.has("axis") || !p.has("concat_dim") ? p.int("axis", 1) : p.int("concat_dim", 1, 0);
  const axis = normAxis(ctx, raw, rank, "concat_param.axis");
  if (xs.length === 1) ctx.alias(0, xs[0]!);
  else ctx.opTop(0, "Concat", xs, { axis });
}

/** Split: every top is the bottom (no copy). */
export function split(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, Infinity]);
  const x = ctx.bottom(0);
  ctx.layer.tops.forEach((_, i) => ctx.alias(i, x));
}

/** Slice along `axis` at slice_point (or into equal parts) -> Split with explicit sizes. */
export function slice(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, Infinity]);
  const p = ctx.params("slice_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const raw = p.has("axis") || !p.has("slice_dim") ? p.int("axis", 1) : p.int("slice_dim", 1, 0);
  const axis = normAxis(ctx, raw, xs.length, "slice_param.axis");
  const dim = xs[axis]!;
  const tops = ctx.layer.tops.length;
  const points = p.ints("slice_point", 0);
  let sizes: number[];
  if (points.length > 0) {
    if (points.length !== tops - 1) p.bad("slice_point", `has ${points.length} points for ${tops} tops; give one fewer point than tops`);
    const bounds = [0, ...points, dim];
    sizes = points.map((_, i) => bounds[i + 1]! - bounds[i]!).concat(dim - bounds[tops - 1]!);
    if (sizes.some((s) => s <= 0)) p.bad("slice_point", `[${points.join(",")}] must be increasing and inside the axis (size ${dim})`);
  } else {
    if (dim % tops !== 0) ctx.fail(`cannot cut axis ${axis} of size ${dim} into ${tops} equal parts; give slice_point`, "bad-shape");
    sizes = new Array<number>(tops).fill(dim / tops);
  }
  if (tops === 1) ctx.alias(0, x);
  else ctx.opTops(ctx.layer.tops.map((_, i) => i), "Split", [x], { axis, split: sizes });
}
