import { fail } from "../../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { getOp, registerOps } from "../../registry.js";
import { planFc, type FcPlan } from "./fully-connected.js";
import { emitRequantTable, requantTable } from "./requant-table.js";

/**
 * QFullyConnectedDsp: QFullyConnected (same attributes, infer, evaluate, MACs and bit-exact C) for
 * int8 on Armv7E-M, emitted as the scratch-free SXTAB16/SMLAD kernel of runtime-c/kernels/qfc_i8_dsp.c
 * with its requantization table in flash. Selected by rules/targets/cortex-m.rules; int16 (16x8)
 * layers keep the generic op.
 */

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): FcPlan {
  const p = planFc(node, inputs);
  if (p.dtype !== "int8") fail("bad-shape", nodeLabel(node), `QFullyConnectedDsp needs int8 activations, got ${p.dtype}; use QFullyConnected for this layer`);
  return p;
}

const generic = (): OpDef => getOp("QFullyConnected")!;

const QFullyConnectedDsp: OpDef = {
  name: "QFullyConnectedDsp",
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
  // No scratch: the kernel widens the int8 input in registers, and its requantization table is a
  // compile-time constant (requant-table.ts).
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    ctx.useRuntime("qfixed_i8");
    ctx.useRuntime("qdsp_i8");
    ctx.useRuntime("qfc_i8_dsp");
    // eg_qfc_i8's parameter layout (runtime-c/kernels/qconv_i8.h).
    const params = ctx.constArray("int32_t", [p.rows, p.k, p.o, p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind, p.perChannel ? 1 : 0]);
    const table = emitRequantTable(ctx, requantTable(p.multipliers, p.shifts, p.o));
    const mult = ctx.constArray("int32_t", p.multipliers);
    const shift = ctx.constArray("int32_t", p.shifts);
    const [x, w, b] = node.inputs;
    ctx.line(`eg_qfc_i8_dsp(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift});`);
  },
  macs(node, inputs, outputs) {
    return generic().macs!(node, inputs, outputs);
  },
};

registerOps([QFullyConnectedDsp]);
