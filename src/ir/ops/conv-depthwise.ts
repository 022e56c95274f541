import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Conv } from "./conv.js";
import { bandRowLength, conv2dGeometry, type Conv2dGeometry } from "./conv2d-geometry.js";
import { emitFusedActivation } from "./fused-activation.js";
import { nodeInfos, tensorInfos } from "./nn-common.js";
import { useTileRuntime } from "./tile-runtime.js";

/**
 * Conv2DDepthwise: a 2-D NCHW depthwise Conv (group = input channels = output channels, weights
 * [C, 1, KH, KW]) on row-blocked register tiles (runtime-c/kernels/depthwise_f32.c): per channel
 * the padded plane is copied once, then 4 output rows by 8 (4 on cores without float vectors)
 * columns accumulate in registers, the taps in (kh, kw) order and the bias last. Same attributes,
 * output and MACs as Conv; offered by rules/targets/float-kernels.rules.
 */

function depthwiseGeometry(node: Node, inputs: readonly (ValueInfo | undefined)[]): Conv2dGeometry {
  const g = conv2dGeometry(node, inputs);
  if (g.group !== g.c || g.m !== g.c) {
    fail("bad-attribute", nodeLabel(node), `${node.op} needs a depthwise convolution (group = input channels = output channels), got group ${g.group}, ${g.c} input and ${g.m} output channels; use Conv for this layer`);
  }
  return g;
}

/** Rows of the copied plane: enough for a block of 4 output rows even when OH < 4. */
export function depthwisePlaneRows(g: Conv2dGeometry): number {
  return (Math.max(g.oh, 4) - 1) * g.sh + (g.kh - 1) * g.dh + 1;
}

const conv = (): OpDef => Conv;

const Conv2DDepthwise: OpDef = {
  name: "Conv2DDepthwise",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    depthwiseGeometry(node, inputs);
    return conv().infer(node, inputs);
  },
  evaluate(node, inputs) {
    depthwiseGeometry(node, tensorInfos(inputs));
    return conv().evaluate(node, inputs);
  },
  scratchBytes(node, inputs) {
    const g = depthwiseGeometry(node, inputs);
    return 4 * (depthwisePlaneRows(g) * g.sw * bandRowLength(g) + g.kh * g.kw);
  },
  emitC(node, ctx) {
    const g = depthwiseGeometry(node, nodeInfos(node, ctx));
    const params = ctx.constArray("int32_t", [
      g.n, g.c, g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, bandRowLength(g), depthwisePlaneRows(g),
    ]);
    useTileRuntime(ctx, "depthwise_f32");
    const [x, w, b] = node.inputs;
    ctx.line(`eg_depthwise2d_f32(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${ctx.scratch()});`);
    emitFusedActivation(node, ctx, g.n * g.m * g.oh * g.ow);
  },
  macs: (node, inputs, outputs) => conv().macs!(node, inputs, outputs),
};

/** The ops of this file, for the core op list (index.ts). */
export const CONV_DEPTHWISE_OPS: readonly OpDef[] = [Conv2DDepthwise];
