import type { LayerCtx } from "../builder.js";
import { poolGeometry } from "../geometry.js";

const MAX = 0;
const AVE = 1;
const CEIL = 0;

/**
 * Caffe's pooled size along one axis: rounded up by default (round_mode CEIL), and with padding
 * the last window is dropped when it would start inside the end padding ("clip the last pooling").
 */
function caffePooledSize(size: number, kernel: number, pad: number, stride: number, ceil: boolean): number {
  const span = size + 2 * pad - kernel;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (pad > 0 && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** ONNX's pooled size with ceil_mode: a last window starting past the input plus begin padding is dropped. */
function onnxPooledSize(size: number, kernel: number, pad: number, stride: number, ceil: boolean): number {
  const span = size + 2 * pad - kernel;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * Pooling -> MaxPool / AveragePool (ceil_mode = 1 for Caffe's default rounding) or the global
 * pools. Caffe's AVE divides by the window clipped to the padded input, which is ONNX's
 * count_include_pad = 1. The two rounding rules differ only when a window would start beyond the
 * input with no padding (stride > kernel); such a layer is refused rather than computed wrongly.
 */
export function pooling(ctx: LayerCtx): void {
  ctx.arity([1, 1], [1, 2]);
  if (ctx.layer.tops.length === 2) ctx.fail("has a second top (the max-pooling mask), which Egret does not compute; remove that top", "unsupported-op");
  const p = ctx.params("pooling_param");
  const method = p.int("pool", MAX);
  if (method !== MAX && method !== AVE) ctx.fail("uses STOCHASTIC pooling, which Egret does not support; use MAX or AVE", "unsupported-op");
  const x = ctx.bottom(0);
  const xs = ctx.shape(x);
  if (xs.length !== 4) ctx.fail(`input has shape [${xs.join(",")}]; Caffe pooling takes 4-D [N, C, H, W] blobs`, "bad-shape");
  const spatial = xs.slice(2);
  if (p.bool("global_pooling", false)) {
    if (p.has("kernel_size") || p.has("kernel_h") || p.has("kernel_w")) p.bad("kernel_size", "cannot be given with global_pooling");
    const g = poolGeometry(p, 2, spatial);
    if (g.pad.some((v) => v !== 0) || g.stride.some((v) => v !== 1)) p.bad("global_pooling", "requires pad 0 and stride 1");
    ctx.opTop(0, method === MAX ? "GlobalMaxPool" : "GlobalAveragePool", [x]);
    return;
  }
  const g = poolGeometry(p, 2);
  const ceil = p.int("round_mode", CEIL) === CEIL;
  spatial.forEach((size, i) => {
    const [k, pad, s] = [g.kernel[i]!, g.pad[i]!, g.stride[i]!];
    if (pad >= k) p.bad("pad", `${pad} must be smaller than the kernel ${k} (axis ${i})`);
    if (size + 2 * pad < k) ctx.fail(`kernel ${k} is larger than the padded input ${size + 2 * pad} on spatial axis ${i}`, "bad-shape");
    const caffe = caffePooledSize(size, k, pad, s, ceil);
    if (caffe !== onnxPooledSize(size, k, pad, s, ceil)) {
      ctx.fail(`gives ${caffe} outputs on spatial axis ${i} with Caffe's rounding, where the last window starts past the input (stride ${s} > kernel ${k}, no padding); this edge case is not supported`, "unsupported-op");
    }
  });
  const attrs = { kernel_shape: g.kernel, pads: [...g.pad, ...g.pad], strides: g.stride, ceil_mode: ceil ? 1 : 0 };
  if (method === MAX) ctx.opTop(0, "MaxPool", [x], attrs);
  else ctx.opTop(0, "AveragePool", [x], { ...attrs, count_include_pad: 1 });
}
