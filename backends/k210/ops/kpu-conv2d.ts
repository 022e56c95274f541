/**
 * `KpuConv2D`: one fused KPU layer (conv → BN → 16-segment activation → pool, K210-KPU.md §5.1) on
 * float tensors, with uint8 quantisation at its boundaries. The KPU layer itself (12 register words,
 * BN and activation tables, uint8 weights) is carried in attributes:
 *   kpu_layer    JSON of { args: KpuLayerArgument, batchNorm: BatchNormEntry[], activation: ActivationSegment[] }
 *   kpu_weights  uint8 tensor, OIHW (depthwise C×k×k)
 *   layout       "NCHW" | "NHWC" of the float input and output
 *   x_scale, x_zero_point, y_scale, y_zero_point   uint8 quantisation of input and output
 *   input_u8     optional 1: the input is already the layer's uint8 map, dense planar NCHW (a
 *                `--input-type uint8` model input, uint8-input.ts); x_scale and x_zero_point then
 *                say what it means (x = (q − zp)·scale) but nothing is quantised
 *   input_kpu    optional byte offset in KPU RAM: with input_u8, the map waits there, not in the
 *                input value (a one-byte token, kpu-resident-maps.ts); read through eg_kpu_frame
 *   subsample    optional [stride, offset_y, offset_x, out_h, out_w]: the node's output is the KPU
 *                output map sampled at (offset_y + stride·i, offset_x + stride·j) (a CPU strided copy,
 *                how stride-2 depthwise convs run at stride 1 on the KPU, legality.ts KpuSubsample)
 * evaluate runs the TypeScript simulator (kpu-sim.ts); emitC calls the C driver
 * (runtime-c/kpu/kpu_driver.c, host implementation = kpu_sim.c). Both quantise in float32 as
 * q = clamp(roundHalfAway(fround(fround(x·(1/x_scale)) + zp)), 0, 255), so they agree bit for bit.
 */
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { fail } from "../../../src/errors.js";
import { attrFloat, attrInt, attrInts, attrString, attrTensor, hasAttr } from "../../../src/ir/attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { layerGeometry, packActivationTable, packBatchNormTable, packLayerArgument, type KpuLayer, type KpuLayerGeometry } from "../kpu-layer.js";
import { simulateKpuLayerDense } from "../kpu-sim.js";


export const KPU_CONV2D = "KpuConv2D";

interface KpuConvAttrs {
  readonly layer: KpuLayer;
  readonly geometry: KpuLayerGeometry;
  readonly nhwc: boolean;
  /** The input is the uint8 map itself (dense NCHW), not float. */
  readonly inputU8: boolean;
  readonly xScale: number;
  readonly xZeroPoint: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
  /** The CPU subsampling after the layer, if any. */
  readonly subsample?: NodeSubsample;
}

/** The `subsample` attribute: output (i, j) = KPU output (offsetY + stride·i, offsetX + stride·j). */
export interface NodeSubsample {
  readonly stride: number;
  readonly offsetY: number;
  readonly offsetX: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** The node's subsampling, validated against the KPU output map it samples. */
export function subsampleOf(node: Node, g: KpuLayerGeometry): NodeSubsample | undefined {
  if (!hasAttr(node, "subsample")) return undefined;
  const v = attrInts(node, "subsample");
  const [stride, offsetY, offsetX, outHeight, outWidth] = v as [number, number, number, number, number];
  const ok = v.length === 5 && v.every((x) => Number.isInteger(x)) && stride >= 1 && offsetY >= 0 && offsetX >= 0 && outHeight >= 1 && outWidth >= 1
    && offsetY + stride * (outHeight - 1) < g.outHeight && offsetX + stride * (outWidth - 1) < g.outWidth;
  if (!ok) fail("bad-attribute", nodeLabel(node), `subsample [${v.join(",")}] must be [stride ≥ 1, offset_y, offset_x, out_h, out_w] sampling inside the ${g.outWidth}×${g.outHeight} KPU output`);
  return { stride, offsetY, offsetX, outHeight, outWidth };
}

/** The KpuLayer of a KpuConv2D node (parsed from its attributes). */
export function kpuLayerOf(node: Node): KpuLayer {
  const parsed = JSON.parse(attrString(node, "kpu_layer")) as Omit<KpuLayer, "weights">;
  const weights = attrTensor(node, "kpu_weights");
  if (weights.dtype !== "uint8") fail("bad-attribute", nodeLabel(node), `kpu_weights must be uint8, got ${weights.dtype}`);
  return { ...parsed, weights: weights.data as Uint8Array };
}

function readAttrs(node: Node): KpuConvAttrs {
  const layer = kpuLayerOf(node);
  const layout = attrString(node, "layout", "NCHW");
  if (layout !== "NCHW" && layout !== "NHWC") fail("bad-attribute", nodeLabel(node), `layout must be NCHW or NHWC, got ${layout}`);
  const geometry = layerGeometry(layer.args);
  const subsample = subsampleOf(node, geometry);
  return {
    ...(subsample === undefined ? {} : { subsample }),
    layer,
    geometry,
    nhwc: layout === "NHWC",
    inputU8: attrInt(node, "input_u8", 0) === 1,
    xScale: attrFloat(node, "x_scale"),
    xZeroPoint: attrInt(node, "x_zero_point"),
    yScale: attrFloat(node, "y_scale"),
    yZeroPoint: attrInt(node, "y_zero_point"),
  };
}

const shapeOf = (nhwc: boolean, c: number, h: number, w: number) => (nhwc ? [1, h, w, c] : [1, c, h, w]);

/** Float32 quantisation, the same operations as eg_kpu_conv2d_f32. */
export function quantizeKpuInput(x: number, invScale: number, zeroPoint: number): number {
  const t = Math.fround(Math.fround(Math.fround(x) * invScale) + zeroPoint);
  if (!(t >= 0)) return 0;
  const r = Math.sign(t) * Math.round(Math.abs(t)); // roundf: half away from zero
  return r > 255 ? 255 : r;
}

function evaluate(node: Node, x: Tensor): Tensor {
  const a = readAttrs(node);
  const g = a.geometry;
  const invScale = Math.fround(1 / a.xScale);
  const xs = x.toNumbers();
  const dense = new Uint8Array(g.inChannels * g.inHeight * g.inWidth);
  if (a.inputU8) dense.set(xs);
  else for (let c = 0; c < g.inChannels; c++)
    for (let y = 0; y < g.inHeight; y++)
      for (let xx = 0; xx < g.inWidth; xx++) {
        const at = a.nhwc ? (y * g.inWidth + xx) * g.inChannels + c : (c * g.inHeight + y) * g.inWidth + xx;
        dense[(c * g.inHeight + y) * g.inWidth + xx] = quantizeKpuInput(xs[at]!, invScale, a.xZeroPoint);
      }
  const out = simulateKpuLayerDense(a.layer, dense);
  const { height, width } = outputSize(a);
  const sub = a.subsample ?? { stride: 1, offsetY: 0, offsetX: 0 };
  const ys = new Float32Array(g.outChannels * height * width);
  const scale = Math.fround(a.yScale);
  let i = 0;
  for (let c = 0; c < g.outChannels; c++)
    for (let y = 0; y < height; y++)
      for (let xx = 0; xx < width; xx++, i++) {
        const q = out[(c * g.outHeight + sub.offsetY + sub.stride * y) * g.outWidth + sub.offsetX + sub.stride * xx]!;
        const at = a.nhwc ? (y * width + xx) * g.outChannels + c : i;
        ys[at] = Math.fround((q - a.yZeroPoint) * scale);
      }
  return new Tensor("float32", shapeOf(a.nhwc, g.outChannels, height, width), ys);
}

/** The node's output map size: the KPU output, or its subsampled part. */
function outputSize(a: KpuConvAttrs): { height: number; width: number } {
  return a.subsample === undefined ? { height: a.geometry.outHeight, width: a.geometry.outWidth } : { height: a.subsample.outHeight, width: a.subsample.outWidth };
}

const u64 = (words: readonly bigint[]) => words.map((w) => `UINT64_C(0x${BigInt.asUintN(64, w).toString(16).padStart(16, "0")})`).join(", ");

/**
 * Defines the layer's static tables (registers, BN, activation, weights; aligned as K210-KPU.md
 * §2.4) once in the C file and returns the name of its `kpu_sim_layer_t`.
 */
export function defineKpuLayer(ctx: EmitCtx, nodeName: string, layer: KpuLayer): string {
  ctx.define("kpu_driver.h", '#include "kpu_driver.h"');
  const name = ctx.uniqueName("kpu_layer");
  const weights = Array.from(layer.weights).join(",");
  ctx.define(
    name,
    [
      `/* KPU layer for ${nodeName.replace(/\*\//g, "* /")}: registers, BN, activation and weights (K210-KPU.md section 2, aligned as section 2.4). */`,
      `static const uint64_t ${name}_regs[12] EG_KPU_ALIGN(8) = { ${u64(packLayerArgument(layer.args))} };`,
      `static const uint64_t ${name}_bn[${layer.batchNorm.length}] EG_KPU_ALIGN(256) = { ${u64(packBatchNormTable(layer.batchNorm))} };`,
      `static const uint64_t ${name}_act[18] EG_KPU_ALIGN(256) = { ${u64(packActivationTable(layer.activation))} };`,
      `static const uint8_t ${name}_weights[${layer.weights.length}] EG_KPU_ALIGN(256) = { ${weights} };`,
      `static const kpu_sim_layer_t ${name} = { ${name}_regs, ${name}_bn, ${name}_act, ${name}_weights, 8 };`,
    ].join("\n"),
  );
  return name;
}

/** The C `subsample` argument of the driver calls: NULL, or a defined {stride, oy, ox, oh, ow} table. */
export function defineSubsample(ctx: EmitCtx, layerName: string, s: NodeSubsample | undefined): string {
  if (s === undefined) return "NULL";
  const sub = `${layerName}_subsample`;
  ctx.define(sub, `static const int32_t ${sub}[5] = { ${s.stride}, ${s.offsetY}, ${s.offsetX}, ${s.outHeight}, ${s.outWidth} };`);
  return sub;
}

function emitC(node: Node, ctx: EmitCtx): void {
  const a = readAttrs(node);
  const name = defineKpuLayer(ctx, node.name, a.layer);
  const sub = defineSubsample(ctx, name, a.subsample);
  // The registers were validated at compile time; a failure here means corrupt memory or another
  // user of the KPU, and the run stops with the driver's status. The scratch is the host simulator's
  // own (NULL, kpu_driver.h): no arena bytes.
  // A uint8 map kept in KPU RAM (`input_kpu`, kpu-resident-maps.ts) is read where it is.
  const x = hasAttr(node, "input_kpu") ? `eg_kpu_frame(${attrInt(node, "input_kpu")}u)` : ctx.ptr(node.inputs[0]!);
  const input = a.inputU8 ? `eg_kpu_conv2d_u8(&${name}, ${x}` : `eg_kpu_conv2d_f32(&${name}, ${x}`;
  const quantise = a.inputU8 ? "" : ` ${cFloat(Math.fround(1 / a.xScale))}, ${a.xZeroPoint},`;
  ctx.checked(
    `${input}, ${ctx.ptr(node.outputs[0]!)}, ${a.nhwc ? 1 : 0},${quantise} ${cFloat(a.yScale)}, ${a.yZeroPoint}, ${sub}, NULL)`,
  );
}

/** A float32 literal that reads back to exactly the same float. */
export function cFloat(v: number): string {
  const f = Math.fround(v);
  return `${f.toPrecision(9)}f`;
}

const KpuConv2D: OpDef = {
  name: KPU_CONV2D,
  family: "k210",
  attributes: ["kpu_layer", "kpu_weights", "layout", "subsample", "x_scale", "x_zero_point", "y_scale", "y_zero_point", "input_kpu"],
  dataTypes: "float32 (uint8 inside)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [given]) {
    const a = readAttrs(node);
    const g = a.geometry;
    // A map kept in KPU RAM is a one-byte token in the program (kpu-resident-maps.ts); the layer reads the whole map.
    const x = hasAttr(node, "input_kpu") ? { dtype: "uint8" as const, shape: [1, g.inChannels, g.inHeight, g.inWidth] } : given;
    if (!x || x.dtype !== (a.inputU8 ? "uint8" : "float32")) fail("unsupported-dtype", nodeLabel(node), `takes a ${a.inputU8 ? "uint8 (input_u8 = 1)" : "float32"} input`);
    const want = a.inputU8 ? [1, g.inChannels, g.inHeight, g.inWidth] : shapeOf(a.nhwc, g.inChannels, g.inHeight, g.inWidth);
    if (x.shape.join(",") !== want.join(",")) fail("bad-shape", nodeLabel(node), `input is [${x.shape.join(",")}], the registers describe [${want.join(",")}]`);
    const { height, width } = outputSize(a);
    return [{ dtype: "float32", shape: shapeOf(a.nhwc, g.outChannels, height, width) }];
  },
  evaluate(node, [x]) {
    return [evaluate(node, x!)];
  },
  emitC,
  macs(node, _inputs: readonly (ValueInfo | undefined)[]) {
    // Stride-1 KPU work, subsampled or not: the KPU computes every output of the full map.
    const g = readAttrs(node).geometry;
    return g.inHeight * g.inWidth * g.outChannels * g.kernel * g.kernel * (g.depthwise ? 1 : g.inChannels);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const KPU_CONV2D_OPS: readonly OpDef[] = [KpuConv2D];
