import type { LayerCtx } from "../builder.js";

/**
 * Interp (DeepLab/PSPNet): bilinear resize with aligned corners to an explicit height/width, to
 * the size of a second bottom, or by zoom_factor / shrink_factor (shrink first, then zoom, as
 * Caffe's Interp computes it) -> Resize(linear, align_corners).
 */
export function interp(ctx: LayerCtx): void {
  ctx.arity([1, 2], [1, 1]);
  const p = ctx.params("interp_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  if (xs.length !== 4) ctx.fail(`input has shape [${xs.join(",")}]; Interp takes 4-D blobs`, "bad-shape");
  if (p.int("pad_beg", 0) !== 0 || p.int("pad_end", 0) !== 0) p.bad("pad_beg", "and pad_end must be 0; cropping Interp is not supported");
  let [h, w] = [xs[2]!, xs[3]!];
  if (ctx.layer.bottoms.length === 2) {
    const ref = ctx.shape(ctx.bottom(1));
    if (ref.length !== 4) ctx.fail("the size reference (bottom 1) must be a 4-D blob", "bad-shape");
    [h, w] = [ref[2]!, ref[3]!];
  } else if (p.has("height") || p.has("width")) {
    [h, w] = [p.int("height", 0, 1), p.int("width", 0, 1)];
  } else if (p.has("shrink_factor") || p.has("zoom_factor")) {
    const shrink = p.int("shrink_factor", 1, 1);
    const zoom = p.int("zoom_factor", 1, 1);
    [h, w] = [h, w].map((d) => Math.floor((d - 1) / shrink) + 1).map((d) => d + (d - 1) * (zoom - 1)) as [number, number];
  } else {
    ctx.fail("gives no output size: set height and width, zoom_factor or shrink_factor, or a second bottom");
  }
  ctx.opTop(0, "Resize", [x], { mode: "linear", coordinate_transformation_mode: "align_corners", sizes: [xs[0]!, xs[1]!, h, w] });
}

/** Upsample (YOLO ports): nearest-neighbour by an integer `scale` -> Resize(nearest). */
export function upsample(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const x = ctx.bottom(0);
  if (ctx.shape(x).length !== 4) ctx.fail(`input has shape [${ctx.shape(x).join(",")}]; Upsample takes 4-D blobs`, "bad-shape");
  const s = ctx.params("upsample_param").int("scale", 1, 1);
  ctx.opTop(0, "Resize", [x], { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor", scales: [1, 1, s, s] });
}
