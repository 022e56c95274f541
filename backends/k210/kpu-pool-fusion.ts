/**
 * Pools in the KPU layer's pool stage (K210-KPU.md §1.5; nncase v0.2's fuse_kpu_conv2d_pool, §5.3
 * step 9): the one decision the C program (`fuseKpuPools`, run in the target's lowering) and the
 * kmodel writer (kmodel/pool-fusion.ts) share.
 *
 *   A: KpuConv2D, not depthwise, pool 0, no CPU subsampling, output no graph output
 *   P: MaxPool or AveragePool, the only reader of A, same layout, dilation 1, no Indices output:
 *        2×2 stride 2, no leading padding → max 1 (max_2_s2)  / mean 2 (mean_2_s2)
 *        4×4 stride 4, no leading padding → max 3 (max_4_s4)  / mean 4 (mean_4_s4)
 *        2×2 stride 1, padding (0, 1)     → max 9 (max_2_s1)  / mean 8 (mean_2_s1, not count_include_pad)
 *      with an output of exactly floor(in / stride), so no window reaches end padding or a
 *      ceil_mode extra row
 *   ⇒ A runs with that pool type and its pooled uint8 map is P's value, in A's quantisation.
 *
 * Max pools are exact: dequantisation (q − zp)·s with s > 0 is one monotone map of the byte, so the
 * max of dequantised bytes is the dequantised max byte; type 9's out-of-map taps (0) never win, as
 * each window keeps a tap inside the map.
 * Mean pools are not exact: the KPU takes floor(sum / n²) of the bytes (§3.4) where the float
 * AveragePool takes the mean of the dequantised bytes, so the fused byte is below the true mean by
 * 0 … (n² − 1)/n² of a quantum (≤ 0.75 for 2×2, ≤ 0.9375 for 4×4; 0.375 and 0.47 on average), a
 * bias toward −∞ on top of the layer's own rounding. Type 8 replicates the edge for taps past the
 * right/bottom edge: (2a + 2b)/4 = (a + b)/2 and 4a/4 = a, which is exactly the float mean over the
 * taps inside the map (count_include_pad 0). The accuracy test bounds the effect
 * (test/backends/k210/pool-fusion.test.ts).
 * Depthwise layers keep pool 0: nncase never pools in a depthwise layer, so the silicon's behaviour
 * there is untested (§1.4).
 */
import { attrInt, attrString } from "../../src/ir/attrs.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import { forwardWindow, readKernelShape, readLayout, readWindowAttrs } from "../../src/ir/ops/window.js";
import { KpuPoolType, layerGeometry, poolStride, type KpuLayer } from "./kpu-layer.js";
import { layerRegisterFields, unencodableField, type KpuConvGeometry } from "./legality.js";
import { KPU_CONV2D, kpuLayerOf, subsampleOf } from "./ops/kpu-conv2d.js";

/** The pool type a MaxPool/AveragePool window is, on an H×W map; undefined when the KPU has none. */
export function kpuPoolTypeOf(pool: Node, h: number, w: number): number | undefined {
  const max = pool.op === "MaxPool";
  if (!max && pool.op !== "AveragePool") return undefined;
  if (pool.outputs.length > 1 && pool.outputs[1] !== "") return undefined;
  const kernel = readKernelShape(pool, 2);
  const ceil = attrInt(pool, "ceil_mode", 0) === 1;
  const win = forwardWindow(pool, [h, w], kernel, readWindowAttrs(pool, 2), ceil);
  const same = (a: readonly number[], v: number) => a[1] === v && a[2] === v;
  if (!same(win.dilation, 1) || !same(win.padBegin, 0)) return undefined;
  const k = win.kernel[1] === win.kernel[2] ? win.kernel[1] : undefined;
  const s = win.stride[1] === win.stride[2] ? win.stride[1] : undefined;
  const out = (stride: number) => win.output[1] === Math.floor(h / stride) && win.output[2] === Math.floor(w / stride);
  // Strided windows: end padding no window reaches (output floor(in / stride)) is harmless.
  if (k === 2 && s === 2 && out(2)) return max ? KpuPoolType.max2s2 : KpuPoolType.mean2s2;
  if (k === 4 && s === 4 && out(4)) return max ? KpuPoolType.max4s4 : KpuPoolType.mean4s4;
  if (k === 2 && s === 1 && same(win.padEnd, 1) && out(1)) {
    // Type 8 divides by 4 over replicated edge taps: the mean of the taps inside, not of 4 with zeros.
    if (!max && attrInt(pool, "count_include_pad", 0) !== 0) return undefined;
    return max ? KpuPoolType.max2s1 : KpuPoolType.mean2s1;
  }
  return undefined;
}

/** The pool that KPU layer `a`'s pool stage takes over, with A's registers for it; or undefined. */
export function fusablePool(program: Graph, a: Node): { pool: Node; layer: KpuLayer } | undefined {
  if (a.op !== KPU_CONV2D) return undefined;
  const layer = kpuLayerOf(a);
  const g = layerGeometry(layer.args);
  if (g.depthwise || g.poolType !== KpuPoolType.bypass || subsampleOf(a, g) !== undefined) return undefined;
  const y = a.outputs[0]!;
  if (program.outputs.some((o) => o.name === y)) return undefined;
  const readers = program.nodes.filter((n) => n.inputs.includes(y));
  const pool = readers[0];
  if (readers.length !== 1 || pool === undefined || pool.inputs[0] !== y) return undefined;
  if (pool.op !== "MaxPool" && pool.op !== "AveragePool") return undefined;
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

/**
 * The C program's form of the same fusion: each KpuConv2D with a fusable pool becomes one KpuConv2D
 * (same name and attributes, the pooled registers) writing the pool's output; the pool node and the
 * unpooled value leave the program. The KPU RAM addresses stay those of the lowering (input at line
 * 0, output after it): the pooled map is smaller, so it still fits. A pooled layer's map is then
 * what the next KPU layer reads, so kpu-chain.ts can chain across the pool.
 */
export function fuseKpuPools(program: Graph): Graph {
  const fused = new Map<Node, { pool: Node; layer: KpuLayer }>();
  for (const node of program.nodes) {
    const f = fusablePool(program, node);
    if (f !== undefined) fused.set(node, f);
  }
  if (fused.size === 0) return program;
  const pools = new Set([...fused.values()].map((f) => f.pool));
  const dropped = new Set([...fused.keys()].map((n) => n.outputs[0]!));
  const nodes = program.nodes.flatMap((node): Node[] => {
    if (pools.has(node)) return [];
    const f = fused.get(node);
    if (f === undefined) return [node];
    const registers = { args: f.layer.args, batchNorm: f.layer.batchNorm, activation: f.layer.activation };
    return [{ ...node, outputs: [f.pool.outputs[0]!], attrs: { ...node.attrs, kpu_layer: JSON.stringify(registers) } }];
  });
  const values = new Map([...program.values].filter(([name]) => !dropped.has(name)));
  return { ...program, nodes, values };
}
