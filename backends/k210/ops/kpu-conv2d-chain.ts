/**
 * `KpuConv2DChain`: one or more `KpuConv2D` layers run back to back inside KPU RAM (nncase's
 * fold_kpu_upload, K210-KPU.md §5.3 step 10): the input is quantised (or, `input_u8`, copied) into
 * the first layer's map, each layer reads the map the one before wrote (its source line is the
 * previous layer's destination line), and only the last layer's output is dequantised. The maps in
 * between never reach main memory, so they take no arena bytes. `kpu-chain.ts` builds the chains.
 *
 * Attributes:
 *   chain          JSON array, one entry per layer: { name, output, kpu_layer, x_scale, x_zero_point,
 *                  y_scale, y_zero_point, subsample? }: the attributes of the KpuConv2D it was, `output`
 *                  the name its output value had; a layer before the last that subsamples hands the
 *                  next one the sampled map (a CPU copy inside KPU RAM, kpu_driver.h)
 *   kpu_weights_i  uint8 weights of layer i (OIHW)
 *   layout         "NCHW" | "NHWC" of the chain's float input and output
 *   input_u8       optional 1: the input is the first layer's uint8 map (as KpuConv2D's)
 *   output_u8      optional 1: the output is the last layer's uint8 map as it is, dense planar NCHW
 *                  (subsampled if the last layer subsamples), nothing dequantised: a map that only
 *                  KPU layers with its quantisation read (kpu-u8-handover.ts); `layout` then applies
 *                  to the float input only
 *   input_kpu      optional byte offset in KPU RAM where the uint8 input map waits (with input_u8; the
 *                  input value is then a one-byte token, kpu-resident-maps.ts)
 *   output_kpu     optional byte offset in KPU RAM where the uint8 output map is written (with
 *                  output_u8; the output value is then that token)
 *   nhwc_download  optional JSON of the Transpose to NHWC the chain's float output stands for and the
 *                  NCHW value's type (kpu-nhwc-download.ts; `layout` is then "NHWC")
 *
 * Semantics are exactly those of the layers as separate KpuConv2D nodes: a layer's dequantised
 * output quantised again with the same scale and zero point is the same byte (|q − zp| ≤ 255, so the
 * float32 error of (q − zp)·s·(1/s) is far below the 0.5 that would change the rounding), which
 * `expandKpuChain` and the tests rely on.
 */
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { fail } from "../../../src/errors.js";
import { attrInt, attrString, attrTensor, hasAttr } from "../../../src/ir/attrs.js";
import { nodeLabel, type AttrValue, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { layerGeometry } from "../kpu-layer.js";
import { cFloat, defineKpuLayer, defineSubsample, KPU_CONV2D, KPU_CONV2D_OPS, kpuLayerOf, quantizeKpuInput, subsampleOf } from "./kpu-conv2d.js";

export const KPU_CONV2D_CHAIN = "KpuConv2DChain";

/**
 * The value of a map kept in KPU RAM (`output_kpu`, kpu-resident-maps.ts) in the C program: an empty
 * tensor that nothing reads or writes, so the map takes no arena bytes (a one-byte token would still
 * take an aligned arena slot while it is live: slim-320's four hand-overs, 64 B at its peak); its
 * readers (`input_kpu`) read the planar uint8 map at that KPU RAM offset. `expandKpuChains` types
 * it from its layer again.
 */
export const RESIDENT_TOKEN: ValueInfo = { dtype: "uint8", shape: [0] };

/** The planar uint8 map a chain's first layer reads (its registers' input size). */
function residentMapInfo(first: Node): ValueInfo {
  const g = layerGeometry(kpuLayerOf(first).args);
  return { dtype: "uint8", shape: [1, g.inChannels, g.inHeight, g.inWidth] };
}

/** One layer of a chain: the attributes of its KpuConv2D except the weights and layout. */
export interface ChainMember {
  readonly name: string;
  readonly output: string;
  readonly kpu_layer: string;
  readonly x_scale: number;
  readonly x_zero_point: number;
  readonly y_scale: number;
  readonly y_zero_point: number;
  readonly subsample?: readonly number[];
}

const KPU_CONV2D_OP = KPU_CONV2D_OPS.find((op) => op.name === KPU_CONV2D)!;

function membersOf(node: Node): ChainMember[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(attrString(node, "chain"));
  } catch {
    return fail("bad-attribute", nodeLabel(node), "chain must be a JSON array of the chained KpuConv2D layers");
  }
  if (!Array.isArray(parsed) || parsed.length < 1) fail("bad-attribute", nodeLabel(node), "chain must list at least one KpuConv2D layer");
  return parsed as ChainMember[];
}

/**
 * The chain as the KpuConv2D nodes it stands for, in order: node i reads node i − 1's output
 * (named as before chaining), the first reads the chain's input, the last writes its output.
 */
export function expandKpuChain(node: Node): Node[] {
  const members = membersOf(node);
  const layout = attrString(node, "layout", "NCHW");
  const inputU8 = attrInt(node, "input_u8", 0) === 1;
  return members.map((m, i) => {
    const attrs: Record<string, AttrValue> = {
      layout,
      kpu_layer: m.kpu_layer,
      kpu_weights: attrTensor(node, `kpu_weights_${i}`),
      x_scale: m.x_scale,
      x_zero_point: m.x_zero_point,
      y_scale: m.y_scale,
      y_zero_point: m.y_zero_point,
    };
    if (i === 0 && inputU8) attrs["input_u8"] = 1;
    if (m.subsample !== undefined) attrs["subsample"] = m.subsample;
    const last = i === members.length - 1;
    return { name: m.name, op: KPU_CONV2D, inputs: [i === 0 ? node.inputs[0]! : members[i - 1]!.output], outputs: [last ? node.outputs[0]! : m.output], attrs };
  });
}

/**
 * The last layer's uint8 map from its dequantised output: quantising (q − zp)·s again with s and zp
 * gives back q (see above), so these are the bytes the C driver copies out of KPU RAM. Planar NCHW.
 */
export function requantised(t: Tensor, last: Node): Tensor {
  const nhwc = attrString(last, "layout", "NCHW") === "NHWC";
  const [, a, b, c] = t.shape as [number, number, number, number];
  const [channels, height, width] = nhwc ? [c, a, b] : [a, b, c];
  const invScale = Math.fround(1 / Number(last.attrs["y_scale"]));
  const zeroPoint = Number(last.attrs["y_zero_point"]);
  const v = t.toNumbers();
  const out = new Uint8Array(v.length);
  for (let ch = 0; ch < channels; ch++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const at = nhwc ? (y * width + x) * channels + ch : (ch * height + y) * width + x;
        out[(ch * height + y) * width + x] = quantizeKpuInput(v[at]!, invScale, zeroPoint);
      }
  return new Tensor("uint8", [1, channels, height, width], out);
}

function emitC(node: Node, ctx: EmitCtx): void {
  const layers = expandKpuChain(node);
  const names = layers.map((l) => defineKpuLayer(ctx, l.name, kpuLayerOf(l)));
  const first = layers[0]!, last = layers[layers.length - 1]!;
  const list = `${names[0]!}_chain`;
  ctx.define(list, `static const kpu_sim_layer_t *const ${list}[${names.length}] = { ${names.map((n) => `&${n}`).join(", ")} };`);
  const subs = layers.map((l, i) => defineSubsample(ctx, names[i]!, subsampleOf(l, layerGeometry(kpuLayerOf(l).args))));
  let sub = "NULL";
  if (subs.some((s) => s !== "NULL")) {
    sub = `${list}_subsamples`;
    ctx.define(sub, `static const int32_t *const ${sub}[${subs.length}] = { ${subs.join(", ")} };`);
  }
  const inputU8 = attrInt(first, "input_u8", 0) === 1;
  const nhwc = attrString(node, "layout", "NCHW") === "NHWC" ? 1 : 0;
  const xScale = Number(first.attrs["x_scale"]), xZeroPoint = Number(first.attrs["x_zero_point"]);
  const outputU8 = attrInt(node, "output_u8", 0) === 1;
  const fn = `eg_kpu_chain_${inputU8 ? "u8" : "f32"}${outputU8 ? "_to_u8" : ""}`;
  // A map kept in KPU RAM (kpu-resident-maps.ts) is read and written where it is, through eg_kpu_frame.
  const at = (attr: string, value: string) => (hasAttr(node, attr) ? `eg_kpu_frame(${attrInt(node, attr)}u)` : ctx.ptr(value));
  const x = `${at("input_kpu", node.inputs[0]!)}, ${at("output_kpu", node.outputs[0]!)}`;
  const quantise = inputU8 ? "" : ` ${cFloat(Math.fround(1 / xScale))}, ${xZeroPoint},`;
  const dequantise = outputU8 ? "" : ` ${cFloat(Number(last.attrs["y_scale"]))}, ${Number(last.attrs["y_zero_point"])},`;
  // A byte-to-byte chain takes no layout (both maps are planar); the others say the float side's.
  const args = inputU8 && outputU8 ? `${x},` : `${x}, ${nhwc},${quantise}${dequantise}`;
  // As for a single layer: the registers were validated at compile time, a failing status stops the run.
  // The scratch is the host simulator's own (NULL, kpu_driver.h): no arena bytes.
  ctx.checked(`${fn}(${list}, ${names.length}u, ${args} ${sub}, NULL)`);
}

const KpuConv2DChain: OpDef = {
  name: KPU_CONV2D_CHAIN,
  family: "k210",
  attributes: ["chain", "layout", "input_u8", "output_u8", "input_kpu", "output_kpu", "nhwc_download"],
  dataTypes: "float32 (uint8 inside)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    let info: ValueInfo | undefined = hasAttr(node, "input_kpu") ? residentMapInfo(expandKpuChain(node)[0]!) : x;
    for (const layer of expandKpuChain(node)) info = KPU_CONV2D_OP.infer(layer, [info])[0];
    if (attrInt(node, "output_u8", 0) !== 1) return [info!];
    if (hasAttr(node, "output_kpu")) return [RESIDENT_TOKEN];
    const [n, a, b, c] = info!.shape as [number, number, number, number];
    return [{ dtype: "uint8", shape: attrString(node, "layout", "NCHW") === "NHWC" ? [n, c, a, b] : [n, a, b, c] }];
  },
  evaluate(node, [x]) {
    const layers = expandKpuChain(node);
    let t: Tensor | undefined = x;
    for (const layer of layers) t = KPU_CONV2D_OP.evaluate(layer, [t])[0];
    return [attrInt(node, "output_u8", 0) === 1 ? requantised(t!, layers[layers.length - 1]!) : t!];
  },
  emitC,
  macs(node) {
    return expandKpuChain(node).reduce((sum, l) => sum + KPU_CONV2D_OP.macs!(l, [], []), 0);
  },
};

/** The ops of this family, for the op registry. */
export const KPU_CONV2D_CHAIN_OPS: readonly OpDef[] = [KpuConv2DChain];
