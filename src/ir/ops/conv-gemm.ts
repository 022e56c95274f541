import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Conv } from "./conv.js";
import { Tensor } from "../tensor.js";
import { bandRowLength, conv2dGeometry, MAX_TILE_COLS, packRowBlocks, type Conv2dGeometry } from "./conv2d-geometry.js";
import { emitFusedActivation } from "./fused-activation.js";
import { nodeInfos, prod, requireF32 } from "./nn-common.js";
import { useTileRuntime } from "./tile-runtime.js";

/**
 * Conv2DGemm: an ungrouped 2-D NCHW Conv run as an implicit GEMM on register tiles
 * (runtime-c/kernels/conv_gemm_f32.c), its weight packed by PackConv2DWeights into the order the
 * tiles read it. Same attributes, output and MACs as Conv; the result differs from Conv's kernel
 * only by float rounding (each output is summed over (c, kh, kw) in order, the bias added last).
 * rules/targets/float-kernels.rules offers it for every float Conv and the target's cost model decides.
 *
 * PackConv2DWeights: OIHW weights [M, C, KH, KW] -> the same shape, elements in the tiles' order
 * (conv2d-geometry.ts packRowBlocks). Folded at compile time when the weight is a constant; run by
 * eg_pack_conv2d_f32 when it is a graph input.
 */

function packedWeightInfo(node: Node, w: ValueInfo | undefined): ValueInfo {
  const info = requireF32(node, w, "weight");
  if (info.shape.length !== 4) fail("bad-shape", nodeLabel(node), `${node.op} packs 2-D convolution weights [M, C, KH, KW], got rank ${info.shape.length}`);
  return info;
}

const PackConv2DWeights: OpDef = {
  name: "PackConv2DWeights",
  family: "conv",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer: (node, [w]) => [packedWeightInfo(node, w)],
  evaluate(node, [w]) {
    const info = packedWeightInfo(node, w);
    const m = info.shape[0]!;
    return [Tensor.fromNumbers("float32", info.shape, packRowBlocks(w!.toNumbers(), m, prod(info.shape, 1)))];
  },
  emitC(node, ctx) {
    const info = packedWeightInfo(node, ctx.info(node.inputs[0]!));
    useTileRuntime(ctx, "conv_gemm_f32");
    ctx.line(`eg_pack_conv2d_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${info.shape[0]}, ${prod(info.shape, 1)});`);
  },
};

/** The geometry, after checking the instance is one the kernel takes. */
function gemmGeometry(node: Node, inputs: readonly (ValueInfo | undefined)[]): Conv2dGeometry {
  const g = conv2dGeometry(node, inputs);
  if (g.group !== 1) fail("bad-attribute", nodeLabel(node), `${node.op} needs an ungrouped convolution (group 1), got group ${g.group}; use Conv for this layer`);
  return g;
}

/** 1x1, stride 1, no padding: the tiles read the input planes themselves (no band copy). */
export function isDirect(g: Conv2dGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.oh === g.ih && g.ow === g.iw && g.oh * g.ow >= MAX_TILE_COLS;
}

/** Floats of scratch: the packed tail block (4K), the tap offsets (K) and the band. */
function scratchFloats(g: Conv2dGeometry): number {
  const k = g.c * g.kh * g.kw;
  return 5 * k + (isDirect(g) ? 0 : g.c * g.kh * g.sw * bandRowLength(g));
}

const conv = (): OpDef => Conv;

/** The evaluator's inputs with the packed weight put back in OIHW order. */
function unpackedInputs(inputs: readonly (Tensor | undefined)[]): (Tensor | undefined)[] {
  const [x, wp, b] = inputs;
  if (wp === undefined) return [...inputs];
  const m = wp.shape[0]!;
  const w = Tensor.fromNumbers("float32", wp.shape, packRowBlocks(wp.toNumbers(), m, prod(wp.shape, 1), true));
  return [x, w, b];
}

const Conv2DGemm: OpDef = {
  name: "Conv2DGemm",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    gemmGeometry(node, inputs);
    return conv().infer(node, inputs);
  },
  evaluate(node, inputs) {
    gemmGeometry(node, inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined)));
    return conv().evaluate(node, unpackedInputs(inputs));
  },
  scratchBytes: (node, inputs) => 4 * scratchFloats(gemmGeometry(node, inputs)),
  emitC(node, ctx) {
    const g = gemmGeometry(node, nodeInfos(node, ctx));
    const params = ctx.constArray("int32_t", [
      g.n, g.c, g.ih, g.iw, g.m, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, bandRowLength(g), isDirect(g) ? 1 : 0,
    ]);
    useTileRuntime(ctx, "conv_gemm_f32");
    const [x, w, b] = node.inputs;
    ctx.line(`eg_conv2d_gemm_f32(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${ctx.scratch()});`);
    emitFusedActivation(node, ctx, g.n * g.m * g.oh * g.ow);
  },
  macs: (node, inputs, outputs) => conv().macs!(node, inputs, outputs),
};

/** The ops of this file, for the core op list (index.ts). */
export const CONV_GEMM_OPS: readonly OpDef[] = [PackConv2DWeights, Conv2DGemm];
