import { fail } from "../../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { getOp, registerOps } from "../../registry.js";
import { planConv, type ConvPlan } from "./conv.js";
import { emitRequantTable, requantTable } from "./requant-table.js";

/**
 * QDepthwiseConv2DDsp: QDepthwiseConv2D (same attributes, infer, evaluate, MACs and bit-exact C)
 * for int8 on Armv7E-M with any kernel size, stride, dilation, padding and depth multiplier:
 * runtime-c/kernels/qdepthwise_i8_dsp.c, no scratch, its requantization table in flash. The 3x3
 * depth-multiplier-1 layers also have QDepthwiseConv2D3x3Dsp; extraction picks by cost.
 */

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): ConvPlan {
  const p = planConv(node, inputs, true);
  if (p.dtype !== "int8") fail("bad-shape", nodeLabel(node), `QDepthwiseConv2DDsp needs int8 activations, got ${p.dtype}; use QDepthwiseConv2D for this layer`);
  return p;
}

const generic = (): OpDef => getOp("QDepthwiseConv2D")!;

const QDepthwiseConv2DDsp: OpDef = {
  name: "QDepthwiseConv2DDsp",
  family: "quant",
  dataTypes: "int8",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    plan(node, inputs);
    return generic().infer(node, inputs);
  },
  evaluate(node, inputs) {
    plan(node, inputs);
    return generic().evaluate(node, inputs);
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qdsp_i8");
    ctx.useRuntime("qdepthwise_i8_dsp");
    // eg_qconv2d_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    const params = ctx.constArray("int32_t", [
      p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.cg, p.sh, p.sw, p.dh, p.dw, p.padTop, p.padLeft,
      p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind,
    ]);
    const table = emitRequantTable(ctx, requantTable(p.multipliers, p.shifts, p.o));
    const mult = ctx.constArray("int32_t", p.multipliers);
    const shift = ctx.constArray("int32_t", p.shifts);
    const [x, w, b] = node.inputs;
    ctx.line(`eg_qdepthwise_i8_dsp(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift});`);
  },
  macs(node, inputs, outputs) {
    return generic().macs!(node, inputs, outputs);
  },
};

registerOps([QDepthwiseConv2DDsp]);
