/**
 * In the kmodel, a MaxPool that reads a KPU layer's output moves into the layer's pool stage
 * (K210-KPU.md §1.5; nncase v0.2's fuse_kpu_conv2d_pool, §5.3 step 9):
 *
 *   A: KpuConv2D, not depthwise, pool 0, no CPU subsampling
 *   P: MaxPool, the only reader of A (A is no graph output), same layout, one of
 *        2×2 stride 2, no leading padding  → pool type 1 (max_2_s2)
 *        4×4 stride 4, no leading padding  → pool type 3 (max_4_s4)
 *        2×2 stride 1, padding (0, 1)      → pool type 9 (max_2_s1, taps past the edge count as 0)
 *      with an output of exactly floor(in / stride) (so no window reaches end padding or a
 *      ceil_mode extra row), dilation 1, no Indices output
 *   ⇒ A runs with that pool type; its pooled uint8 map is P's value (A's quantisation), kept in KPU
 *     RAM for the next KPU layer or dequantised for a CPU reader; P has no kmodel node.
 *
 * Bit-exact with the C program, which dequantises A's map and pools in float: dequantisation
 * (q − zp)·s with s > 0 is the same monotone float map on every byte, so the max of dequantised bytes
 * is the dequantised max byte; a tap counted as 0 (type 9) is below or equal to every byte, and each
 * window keeps at least one tap inside the map. Mean pools are not moved: the KPU's truncated uint8
 * mean (floor(sum / 4)) is not the float mean of the C program. Depthwise layers keep pool 0: nncase
 * never pools in a depthwise layer, so the silicon's behaviour there is untested (§1.4).
 */
import { attrInt, attrString } from "../../../src/ir/attrs.js";
import type { Node } from "../../../src/ir/graph.js";
import { forwardWindow, readKernelShape, readLayout, readWindowAttrs } from "../../../src/ir/ops/window.js";
import { KpuPoolType, layerGeometry, poolStride, type KpuLayer } from "../kpu-layer.js";
import { layerRegisterFields, unencodableField, type KpuConvGeometry } from "../legality.js";
import { kpuLayerOf, subsampleOf } from "../ops/kpu-conv2d.js";
import type { Planner } from "./plan.js";

/** The pool type a MaxPool window is, on an H×W map; undefined when the KPU has none. */
function kpuPoolTypeOf(pool: Node, h: number, w: number): number | undefined {
  if (pool.op !== "MaxPool" || (pool.outputs.length > 1 && pool.outputs[1] !== "")) return undefined;
  const kernel = readKernelShape(pool, 2);
  const ceil = attrInt(pool, "ceil_mode", 0) === 1;
  const win = forwardWindow(pool, [h, w], kernel, readWindowAttrs(pool, 2), ceil);
  const same = (a: readonly number[], v: number) => a[1] === v && a[2] === v;
  if (!same(win.dilation, 1) || !same(win.padBegin, 0)) return undefined;
  const k = win.kernel[1] === win.kernel[2] ? win.kernel[1] : undefined;
  const s = win.stride[1] === win.stride[2] ? win.stride[1] : undefined;
  const out = (stride: number) => win.output[1] === Math.floor(h / stride) && win.output[2] === Math.floor(w / stride);
  // Strided windows: end padding no window reaches (output floor(in / stride)) is harmless.
  if (k === 2 && s === 2 && out(2)) return KpuPoolType.max2s2;
  if (k === 4 && s === 4 && out(4)) return KpuPoolType.max4s4;
  if (k === 2 && s === 1 && same(win.padEnd, 1) && out(1)) return KpuPoolType.max2s1;
  return undefined;
}

/** The MaxPool that A's pool stage takes over, with A's registers for it; or undefined. */
export function poolTakenByLayer(p: Planner, a: Node): { pool: Node; layer: KpuLayer } | undefined {
  if (p.movedLayers.has(a.name)) return undefined;
  const layer = kpuLayerOf(a);
  const g = layerGeometry(layer.args);
  if (g.depthwise || g.poolType !== KpuPoolType.bypass || subsampleOf(a, g) !== undefined) return undefined;
  const y = a.outputs[0]!;
  if (p.program.outputs.some((o) => o.name === y)) return undefined;
  const readers = p.program.nodes.filter((n) => n.inputs.includes(y));
  const pool = readers[0];
  if (readers.length !== 1 || pool === undefined || pool.inputs[0] !== y) return undefined;
  if (readLayout(pool) !== attrString(a, "layout", "NCHW")) return undefined;
  const poolType = kpuPoolTypeOf(pool, g.inHeight, g.inWidth);
  if (poolType === undefined) return undefined;
  const stride = poolStride(poolType)!;
  const pooled: KpuConvGeometry = {
    layout: "NCHW", inChannels: g.inChannels, outChannels: g.outChannels, inHeight: g.inHeight, inWidth: g.inWidth,
    outHeight: Math.floor(g.inHeight / stride), outWidth: Math.floor(g.inWidth / stride), kernel: g.kernel === 1 ? 1 : 3, depthwise: false, poolType,
  };
  if (pooled.outHeight < 1 || pooled.outWidth < 1 || unencodableField(pooled) !== undefined) return undefined;
  const zeroPoints = { input: layer.args.padValue, weights: -layer.args.argX };
  return { pool, layer: { ...layer, args: { ...layer.args, ...layerRegisterFields(pooled, zeroPoints) } } };
}
