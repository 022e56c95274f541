import type { LayerCtx } from "../builder.js";
import { normAxis, product } from "./common.js";

/**
 * InnerProduct: the axes from `axis` on are flattened into K inputs and multiplied by the
 * [num_output, K] weight (stored [K, num_output] when `transpose` is set), so
 * Flatten(axis) -> Gemm(transB) -> (Reshape back when more than one leading axis is kept).
 */
export function innerProduct(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 1]);
  const p = ctx.params("inner_product_param");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  const axis = normAxis(ctx, p.int("axis", 1), xs.length, "inner_product_param.axis");
  const n = p.int("num_output", 0, 1);
  const k = product(xs.slice(axis));
  const lead = xs.slice(0, axis);
  const transpose = p.bool("transpose", false);
  const weight = ctx.weight(0, transpose ? [k, n] : [n, k], "weight");
  const flat = xs.length === 2 && axis === 1 ? x : ctx.op("Flatten", [x], { axis });
  const inputs = [flat, weight];
  if (p.bool("bias_term", true)) inputs.push(ctx.weight(1, [n], "bias"));
  const attrs = { transA: 0, transB: transpose ? 0 : 1 };
  if (lead.length === 1) {
    ctx.opTop(0, "Gemm", inputs, attrs);
    return;
  }
  const y = ctx.op("Gemm", inputs, attrs);
  ctx.opTop(0, "Reshape", [y], { shape: [...lead, n] });
}
