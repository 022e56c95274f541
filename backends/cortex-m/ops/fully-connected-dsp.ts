import { fail } from "../../../src/errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { REQUANT_ENTRY_BYTES } from "./conv-dsp.js";
import { planFc, QFullyConnected, type FcPlan } from "../../../src/ir/ops/quant/fully-connected.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";

/**
 * QFullyConnectedDsp: QFullyConnected (same attributes, infer, evaluate, MACs and bit-exact C) for
 * int8 on Armv7E-M, emitted as the SMLAD GEMM of runtime-c/kernels/qfc_i8_dsp.c. Selected by
 * rules/targets/cortex-m.rules; int16 (16x8) layers keep the generic op.
 */

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): FcPlan {
  const p = planFc(node, inputs);
  if (p.dtype !== "int8") fail("bad-shape", nodeLabel(node), `QFullyConnectedDsp needs int8 activations, got ${p.dtype}; use QFullyConnected for this layer`);
  return p;
}

const generic = (): OpDef => QFullyConnected;

const QFullyConnectedDsp: OpDef = {
  name: "QFullyConnectedDsp",
  family: "quant",
  attributes: coreAttributes("QFullyConnected"),
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
  scratchBytes(node, inputs) {
    // The requantization table (one entry per output channel) and two input rows widened to int16.
    const p = plan(node, inputs);
    return REQUANT_ENTRY_BYTES * p.o + 4 * p.k;
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qdsp_i8");
    ctx.useRuntime("qfc_i8_dsp");
    // eg_qfc_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    const params = ctx.constArray("int32_t", [p.rows, p.k, p.o, p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind, p.perChannel ? 1 : 0]);
    const mult = ctx.constArray("int32_t", p.multipliers);
    const shift = ctx.constArray("int32_t", p.shifts);
    const [x, w, b] = node.inputs;
    ctx.line(`eg_qfc_i8_dsp(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${mult}, ${shift}, ${ctx.scratch()});`);
  },
  macs(node, inputs, outputs) {
    return generic().macs!(node, inputs, outputs);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const FULLY_CONNECTED_DSP_OPS: readonly OpDef[] = [QFullyConnectedDsp];
