import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Conv } from "./conv.js";
import { Tensor } from "../tensor.js";
import { conv2dGeometry, type Conv2dGeometry } from "./conv2d-geometry.js";
import { emitFusedActivation } from "./fused-activation.js";
import { packPanels } from "./matmul-packed.js";
import { nodeInfos, prod, requireF32, tensorInfos } from "./nn-common.js";
import { useTileRuntime } from "./tile-runtime.js";

/**
 * Conv2DGemmNHWC: an ungrouped 2-D channels-last Conv (attribute layout "NHWC", weights OHWI) as
 * a GEMM of output pixels by output channels (runtime-c/kernels/conv_gemm_nhwc_f32.c) on the
 * register tiles and weight panels of MatMulPacked. Same attributes, output and MACs as the NHWC
 * Conv; the result differs only by float rounding (each output summed over (kh, kw, c) in order,
 * the bias added last). rules/targets/float-kernels.rules offers it for every float NHWC Conv,
 * which is how the layout rules' NHWC convolutions (rules/layout.rules) run on blocked kernels.
 *
 * PackConv2DWeightsNHWC: OHWI weights [M, KH, KW, C] -> the same shape, elements in the panel
 * order of W^T [K, M] (K = KH * KW * C; matmul-packed.ts packPanels). Folded at compile time when
 * the weight is a constant; run by eg_pack_matmul_f32 (trans 1) when it is a graph input.
 */

/** The weight as the GEMM's matrix: M rows of K taps. */
function weightMatrix(node: Node, w: ValueInfo | undefined): { m: number; k: number; shape: readonly number[] } {
  const info = requireF32(node, w, "weight");
  if (info.shape.length !== 4) fail("bad-shape", nodeLabel(node), `${node.op} packs 2-D convolution weights [M, KH, KW, C], got rank ${info.shape.length}`);
  return { m: info.shape[0]!, k: prod(info.shape, 1), shape: info.shape };
}

/** W [M, K] row-major -> W^T [K, M] in panels, or back with `unpack`. */
function packTransposed(values: Float64Array, m: number, k: number, unpack = false): Float64Array {
  if (unpack) {
    const t = packPanels(values, k, m, true);
    const w = new Float64Array(values.length);
    for (let r = 0; r < k; r++) for (let j = 0; j < m; j++) w[j * k + r] = t[r * m + j]!;
    return w;
  }
  const t = new Float64Array(values.length);
  for (let r = 0; r < k; r++) for (let j = 0; j < m; j++) t[r * m + j] = values[j * k + r]!;
  return packPanels(t, k, m);
}

const PackConv2DWeightsNHWC: OpDef = {
  name: "PackConv2DWeightsNHWC",
  family: "conv",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer: (node, [w]) => [{ dtype: "float32", shape: [...weightMatrix(node, w).shape] }],
  evaluate(node, [w]) {
    const { m, k, shape } = weightMatrix(node, w);
    return [Tensor.fromNumbers("float32", shape, packTransposed(w!.toNumbers(), m, k))];
  },
  emitC(node, ctx) {
    const { m, k } = weightMatrix(node, ctx.info(node.inputs[0]!));
    useTileRuntime(ctx, "matmul_packed_f32");
    ctx.line(`eg_pack_matmul_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${k}, ${m}, 1);`);
  },
};

/** The geometry, after checking the instance is one the kernel takes. */
function nhwcGeometry(node: Node, inputs: readonly (ValueInfo | undefined)[]): Conv2dGeometry {
  const g = conv2dGeometry(node, inputs, "NHWC");
  if (g.group !== 1) fail("bad-attribute", nodeLabel(node), `${node.op} needs an ungrouped convolution (group 1), got group ${g.group}; use Conv for this layer`);
  return g;
}

/** 1x1, stride 1, no padding: the input itself is the GEMM's left operand. */
export function isDirectNhwc(g: Conv2dGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.oh === g.ih && g.ow === g.iw;
}

const conv = (): OpDef => Conv;

const Conv2DGemmNHWC: OpDef = {
  name: "Conv2DGemmNHWC",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    nhwcGeometry(node, inputs);
    return conv().infer(node, inputs);
  },
  evaluate(node, inputs) {
    nhwcGeometry(node, tensorInfos(inputs));
    const [x, wp, b] = inputs;
    if (wp === undefined) return conv().evaluate(node, inputs);
    const { m, k, shape } = weightMatrix(node, wp);
    return conv().evaluate(node, [x, Tensor.fromNumbers("float32", shape, packTransposed(wp.toNumbers(), m, k, true)), b]);
  },
  // The tile operand (4K), the padded last panel (8K) and the panel offsets (K), K = KH KW C.
  scratchBytes: (node, inputs) => {
    const g = nhwcGeometry(node, inputs);
    return 4 * 13 * g.kh * g.kw * g.c;
  },
  emitC(node, ctx) {
    const g = nhwcGeometry(node, nodeInfos(node, ctx));
    const params = ctx.constArray("int32_t", [g.n, g.c, g.ih, g.iw, g.m, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, isDirectNhwc(g) ? 1 : 0]);
    useTileRuntime(ctx, "matmul_packed_f32");
    ctx.useRuntime("conv_gemm_nhwc_f32");
    const [x, w, b] = node.inputs;
    ctx.line(`eg_conv2d_gemm_nhwc_f32(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${ctx.scratch()});`);
    emitFusedActivation(node, ctx, g.n * g.m * g.oh * g.ow);
  },
  macs: (node, inputs, outputs) => conv().macs!(node, inputs, outputs),
};

/** The ops of this file, for the core op list (index.ts). */
export const CONV_GEMM_NHWC_OPS: readonly OpDef[] = [PackConv2DWeightsNHWC, Conv2DGemmNHWC];
