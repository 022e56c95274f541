/**
 * `KpuDilatedConv2D`: a dilated 3×3 conv run as its d² KPU phase layers (space-to-batch,
 * kpu-dilation.ts) in ONE node of the C program, which gathers each phase straight from the input
 * map and scatters each phase's output straight into the output map. The lowering's expansion
 * (Pad → d² × (Slice → KpuConv2D) → Concat → Reshape → Transpose → Reshape → crop) keeps every
 * phase and the whole padded, batched and interleaved map in main memory at once; here only one
 * phase's input and output live at a time (the node's scratch). kpu-dilated-fold.ts builds these
 * nodes; `expandKpuDilated` gives the expansion back exactly (the kmodel writer and the reports
 * read that form, so model.kmodel is unchanged).
 *
 * Attributes:
 *   conv_name       the dilated conv's node name the expansion's names derive from
 *   dilation        d ≥ 2
 *   map             [H, W], the input (= output) map
 *   layout, kpu_layer, kpu_weights, x_scale, x_zero_point, y_scale, y_zero_point
 *                   those of every phase layer (all d² are the same layer)
 *   input_u8        optional 1: the input is the map's uint8 bytes in the phases' input quantisation
 *                   (dense planar NCHW; past the end of the map the phases read the byte of 0.0)
 *   output_u8       optional 1: the output is the map's uint8 bytes, nothing dequantised
 *
 * Exactly the expansion's values: the gathers and scatters copy the same elements the Slices,
 * Concat, Transpose and crop copy; a uint8 hand-over is bit-exact as for KpuConv2DChain.
 */
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { fail } from "../../../src/errors.js";
import { attrFloat, attrInt, attrInts, attrString } from "../../../src/ir/attrs.js";
import { nodeLabel, type AttrValue, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { expandDilatedConv, type DilatedExpansion } from "../kpu-dilation.js";
import { layerGeometry } from "../kpu-layer.js";
import { cFloat, defineKpuLayer, KPU_CONV2D, KPU_CONV2D_OPS, kpuLayerOf, quantizeKpuInput } from "./kpu-conv2d.js";
import { requantised } from "./kpu-conv2d-chain.js";
import { KPU_DILATED_C } from "./kpu-dilated-c.js";

export const KPU_DILATED_CONV2D = "KpuDilatedConv2D";

/** The attributes every phase KpuConv2D carries, in the order the lowering writes them. */
export const PHASE_ATTRS = ["layout", "kpu_layer", "kpu_weights", "x_scale", "x_zero_point", "y_scale", "y_zero_point"] as const;

const KPU_CONV2D_OP = KPU_CONV2D_OPS.find((op) => op.name === KPU_CONV2D)!;

/** The decomposition's sizes: factor d, map H × W, phase map ph × pw, channels in and out. */
interface DilatedGeometry {
  readonly d: number;
  readonly h: number;
  readonly w: number;
  readonly ph: number;
  readonly pw: number;
  readonly c: number;
  readonly oc: number;
}

function geometryOf(node: Node): DilatedGeometry {
  const d = attrInt(node, "dilation");
  const [h, w] = attrInts(node, "map") as [number, number];
  const g = layerGeometry(kpuLayerOf(node).args);
  const [ph, pw] = [Math.ceil(h / d), Math.ceil(w / d)];
  if (!(d >= 2) || g.inHeight !== ph || g.inWidth !== pw || g.outHeight !== ph || g.outWidth !== pw) {
    fail("bad-attribute", nodeLabel(node), `dilation ${d} on a ${h}×${w} map needs ${ph}×${pw} phase layers, the registers describe ${g.inHeight}×${g.inWidth} → ${g.outHeight}×${g.outWidth}`);
  }
  return { d, h, w, ph, pw, c: g.inChannels, oc: g.outChannels };
}

/** One phase layer as the lowering made it (with `input_u8` when the node takes bytes, for evaluation). */
function phaseNode(node: Node, name: string, input: string, output: string, inputU8: boolean): Node {
  const attrs: Record<string, AttrValue> = {};
  for (const key of PHASE_ATTRS) attrs[key] = node.attrs[key]!;
  if (inputU8) attrs["input_u8"] = 1;
  return { name, op: KPU_CONV2D, inputs: [input], outputs: [output], attrs };
}

/** The lowering's expansion of the node, node for node (kpu-dilation.ts), with the float values between. */
export function expandKpuDilated(node: Node): DilatedExpansion {
  const g = geometryOf(node);
  const conv: Node = { name: attrString(node, "conv_name"), op: "Conv", inputs: [node.inputs[0]!], outputs: [node.outputs[0]!], attrs: {} };
  return expandDilatedConv(conv, { factor: g.d, height: g.h, width: g.w }, g.c, g.oc, (name, input, output) => phaseNode(node, name, input, output, false));
}

/** The byte a float 0.0 quantises to in the phases' input quantisation (the padding of a uint8 map). */
export function padByteOf(node: Node): number {
  return quantizeKpuInput(0, Math.fround(1 / attrFloat(node, "x_scale")), attrInt(node, "x_zero_point"));
}

const flag = (node: Node, attr: string) => attrInt(node, attr, 0) === 1;

function infer(node: Node, [x]: readonly (ValueInfo | undefined)[]): ValueInfo[] {
  const g = geometryOf(node);
  const inDtype = flag(node, "input_u8") ? "uint8" : "float32";
  if (attrString(node, "layout", "NCHW") !== "NCHW") fail("bad-attribute", nodeLabel(node), "dilated phase layers run in NCHW layout only");
  if (!x || x.dtype !== inDtype || x.shape.join(",") !== [1, g.c, g.h, g.w].join(",")) {
    fail("bad-shape", nodeLabel(node), `takes a ${inDtype} [1,${g.c},${g.h},${g.w}] input, got ${x ? `${x.dtype} [${x.shape.join(",")}]` : "none"}`);
  }
  return [{ dtype: flag(node, "output_u8") ? "uint8" : "float32", shape: [1, g.oc, g.h, g.w] }];
}

function evaluate(node: Node, [x]: readonly (Tensor | undefined)[]): Tensor[] {
  const g = geometryOf(node);
  const [inU8, outU8] = [flag(node, "input_u8"), flag(node, "output_u8")];
  const pad = inU8 ? padByteOf(node) : 0;
  const layer = phaseNode(node, node.name, "", "", inU8);
  const xs = x!.toNumbers();
  const out = outU8 ? new Uint8Array(g.oc * g.h * g.w) : new Float32Array(g.oc * g.h * g.w);
  for (let r = 0; r < g.d; r++)
    for (let s = 0; s < g.d; s++) {
      const phase = inU8 ? new Uint8Array(g.c * g.ph * g.pw) : new Float32Array(g.c * g.ph * g.pw);
      for (let c = 0, k = 0; c < g.c; c++)
        for (let i = 0; i < g.ph; i++)
          for (let j = 0; j < g.pw; j++, k++) {
            const [y, xx] = [i * g.d + r, j * g.d + s];
            phase[k] = y < g.h && xx < g.w ? xs[(c * g.h + y) * g.w + xx]! : pad;
          }
      const t = KPU_CONV2D_OP.evaluate(layer, [new Tensor(inU8 ? "uint8" : "float32", [1, g.c, g.ph, g.pw], phase)])[0]!;
      const ys = (outU8 ? requantised(t, layer) : t).toNumbers();
      for (let o = 0, k = 0; o < g.oc; o++)
        for (let i = 0; i < g.ph; i++)
          for (let j = 0; j < g.pw; j++, k++) {
            const [y, xx] = [i * g.d + r, j * g.d + s];
            if (y < g.h && xx < g.w) out[(o * g.h + y) * g.w + xx] = ys[k]!;
          }
    }
  return [new Tensor(outU8 ? "uint8" : "float32", [1, g.oc, g.h, g.w], out)];
}

/** Bytes of one phase's input map in the scratch, rounded up so the output map after it stays aligned. */
function phaseInputBytes(node: Node, g: DilatedGeometry): number {
  return Math.ceil((g.c * g.ph * g.pw * (flag(node, "input_u8") ? 1 : 4)) / 16) * 16;
}

/** Scratch: one phase's input map, then its output map (the KPU layer's own maps are in KPU RAM). */
function scratchBytes(node: Node): number {
  const g = geometryOf(node);
  return phaseInputBytes(node, g) + g.oc * g.ph * g.pw * (flag(node, "output_u8") ? 1 : 4);
}

function emitC(node: Node, ctx: EmitCtx): void {
  const g = geometryOf(node);
  const layer = defineKpuLayer(ctx, node.name, kpuLayerOf(node));
  ctx.define("eg_kpu_dilated", KPU_DILATED_C);
  const geometry = ctx.constArray("int32_t", [g.c, g.oc, g.h, g.w, g.d, g.ph, g.pw, phaseInputBytes(node, g)]);
  const [inU8, outU8] = [flag(node, "input_u8"), flag(node, "output_u8")];
  const quant = `${inU8 ? 1 : 0}, ${padByteOf(node)}u, ${cFloat(Math.fround(1 / attrFloat(node, "x_scale")))}, ${attrInt(node, "x_zero_point")}`;
  const dequant = `${outU8 ? 1 : 0}, ${cFloat(attrFloat(node, "y_scale"))}, ${attrInt(node, "y_zero_point")}`;
  // As for a single layer: a failing status of any phase stops the run.
  ctx.checked(`eg_kpu_dilated(&${layer}, ${geometry}, ${ctx.ptr(node.inputs[0]!)}, ${quant}, ${ctx.ptr(node.outputs[0]!)}, ${dequant}, ${ctx.scratch()})`);
}

const KpuDilatedConv2D: OpDef = {
  name: KPU_DILATED_CONV2D,
  family: "k210",
  attributes: ["conv_name", "dilation", "map", ...PHASE_ATTRS, "input_u8", "output_u8"],
  dataTypes: "float32 or uint8 (uint8 inside)",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer,
  evaluate,
  emitC,
  scratchBytes,
  macs(node) {
    const g = geometryOf(node);
    return g.d * g.d * KPU_CONV2D_OP.macs!(phaseNode(node, node.name, "", "", false), [], []);
  },
};

/** The ops of this family, for the op registry. */
export const KPU_DILATED_CONV2D_OPS: readonly OpDef[] = [KpuDilatedConv2D];
