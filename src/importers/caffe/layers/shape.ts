import type { LayerCtx } from "../builder.js";
import { normAxis, product } from "./common.js";

/** Flatten the axes [axis, end_axis] into one -> Reshape to the explicit result shape. */
export function flatten(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("flatten_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const start = normAxis(ctx, p.int("axis", 1), xs.length, "flatten_param.axis");
  const end = normAxis(ctx, p.int("end_axis", -1), xs.length, "flatten_param.end_axis");
  if (end < start) p.bad("end_axis", `(${end}) comes before axis (${start})`);
  ctx.opTop(0, "Reshape", [x], { shape: [...xs.slice(0, start), product(xs.slice(start, end + 1)), ...xs.slice(end + 1)] });
}

/**
 * Reshape with Caffe's rules: the spec replaces the input axes [axis, axis + num_axes) (all from
 * axis by default; a negative axis counts from the end, -1 being "after the last"); 0 copies the
 * input dim at that position, one -1 takes what is left. The result is resolved here.
 */
export function reshape(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("reshape_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const rank = xs.length;
  const rawAxis = p.int("axis", 0);
  const start = rawAxis < 0 ? rank + rawAxis + 1 : rawAxis;
  if (start < 0 || start > rank) p.bad("axis", `= ${rawAxis} is out of range for a blob of rank ${rank}`);
  const numAxes = p.int("num_axes", -1, -1);
  const end = numAxes === -1 ? rank : start + numAxes;
  if (end > rank) p.bad("num_axes", `= ${numAxes} goes past the input's rank ${rank} from axis ${start}`);
  const shapeMsg = p.message("shape");
  const spec = Array.isArray(shapeMsg?.dim) ? (shapeMsg.dim as number[]) : [];
  const out = spec.map((d, i) => {
    if (d === 0) {
      if (start + i >= rank) p.bad("shape", `dim ${i} is 0 (copy), but the input has no axis ${start + i}`);
      return xs[start + i]!;
    }
    if (d < -1 || !Number.isInteger(d)) p.bad("shape", `dim ${i} is ${d}; dims are positive, 0 (copy) or -1 (infer)`);
    return d;
  });
  const kept = [...xs.slice(0, start), ...xs.slice(end)];
  const inferred = out.filter((d) => d === -1).length;
  if (inferred > 1) p.bad("shape", "has more than one -1 dim");
  const known = product(kept) * product(out.filter((d) => d !== -1));
  const total = product(xs);
  if (inferred === 1) {
    if (known === 0 || total % known !== 0) ctx.fail(`cannot infer the -1 dim: ${total} values do not divide into the other dims`, "bad-shape");
    out[out.indexOf(-1)] = total / known;
  } else if (known !== total) {
    ctx.fail(`shape [${spec.join(",")}] holds ${known} values, the input [${xs.join(",")}] has ${total}`, "bad-shape");
  }
  ctx.opTop(0, "Reshape", [x], { shape: [...xs.slice(0, start), ...out, ...xs.slice(end)] });
}

/** Permute (SSD): `order` lists the new axis order; unlisted axes follow in their order. */
export function permute(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("permute_param");
  const x = ctx.bottom(0);
  const rank = ctx.shape(x).length;
  const order = p.ints("order", 0);
  order.forEach((a, i) => {
    if (a >= rank) p.bad("order", `[${i}] = ${a} is not an axis of a rank-${rank} blob`);
    if (order.indexOf(a) !== i) p.bad("order", `repeats axis ${a}`);
  });
  const perm = [...order];
  for (let a = 0; a < rank; a++) if (!perm.includes(a)) perm.push(a);
  ctx.opTop(0, "Transpose", [x], { perm });
}

/** Crop bottom 0 to the dims of bottom 1 from `axis` on, at `offset` -> Slice. */
export function crop(ctx: LayerCtx): void {
  ctx.arity([2, 2], [1, 1]);
  const p = ctx.params("crop_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const ref = ctx.shape(ctx.bottom(1));
  if (ref.length !== xs.length) ctx.fail(`the reference bottom has rank ${ref.length}, the input ${xs.length}`, "bad-shape");
  const axis = normAxis(ctx, p.int("axis", 2), xs.length, "crop_param.axis");
  const offsets = p.ints("offset", 0);
  const n = xs.length - axis;
  if (offsets.length > 1 && offsets.length !== n) p.bad("offset", `has ${offsets.length} values; give one, or one per cropped axis (${n})`);
  const axes = Array.from({ length: n }, (_, i) => axis + i);
  const starts = axes.map((_, i) => offsets[offsets.length > 1 ? i : 0] ?? 0);
  const ends = axes.map((a, i) => starts[i]! + ref[a]!);
  axes.forEach((a, i) => {
    if (ends[i]! > xs[a]!) ctx.fail(`cropping axis ${a} to ${ref[a]} at offset ${starts[i]} goes past the input's size ${xs[a]}`, "bad-shape");
  });
  ctx.opTop(0, "Slice", [x], { starts, ends, axes });
}

/** Softmax over one axis (Caffe's softmax_param.axis, default the channels). */
export function softmax(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const x = ctx.bottom(0);
  const axis = normAxis(ctx, ctx.params("softmax_param").int("axis", 1), ctx.shape(x).length, "softmax_param.axis");
  ctx.opTop(0, "Softmax", [x], { axis });
}
