import { fail } from "../../../src/errors.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { nodeLabel, type Node } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { emitLstmOperands, QLstm, type LstmPlan } from "../../../src/ir/ops/quant/lstm.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";
import { contentNamedArray } from "./content-array.js";
import { emitPackedWeights } from "./fc-packed-weights.js";
import { packLstmGates, type GateMatrices } from "./lstm-weights.js";
import { requantTable } from "./requant-table.js";

/**
 * The 8 requantization entries of the gate FCs (input i, f, c, o, then recurrent), computed at
 * compile time: requant-table.ts's entry where the multiplier/shift is in the fast path's range,
 * else a marker with rs = -1 (the kernel then takes eg_qdsp_mul with the parameter array's pair).
 */
function gateRequantEntries(p: LstmPlan): string[] {
  return [...p.inputFc, ...p.recurrentFc].map((m) => {
    const e = requantTable([m.multiplier], [m.shift], 1)?.[0];
    return e === undefined ? "{ 0, 0u, 0, -1 }" : `{ ${e.mult}, ${e.cLo}u, ${e.cHi}, ${e.rs} }`;
  });
}

/** The four gate matrices of one side (inputs 1..4: input weights, 5..8: recurrent), which must be constants. */
function gateMatrices(node: Node, ctx: EmitCtx, first: number): GateMatrices {
  const data = node.inputs.slice(first, first + 4).map((t) => {
    const c = ctx.constant?.(t);
    if (c === undefined) fail("bad-shape", nodeLabel(node), `QLstmDsp needs constant gate weights (tensor "${t}" is computed at run time); use QLstm for this layer`);
    return c.data as ArrayLike<number>;
  });
  return [data[0]!, data[1]!, data[2]!, data[3]!];
}

function emitLstmDsp(node: Node, ctx: EmitCtx): void {
  const { p, hidden, cell, params, lut } = emitLstmOperands(node, ctx);
  for (const unit of ["qdsp_i8", "qlstm_i8", "qlstm_i8_dsp"]) ctx.useRuntime(unit);
  const wx = emitPackedWeights(ctx, `${node.inputs[1]!}_lstm_gates`, packLstmGates(gateMatrices(node, ctx, 1), p.units, p.inputs));
  const wh = emitPackedWeights(ctx, `${node.inputs[5]!}_lstm_gates`, packLstmGates(gateMatrices(node, ctx, 5), p.units, p.units));
  const rq = contentNamedArray(ctx, "eg_rq", "eg_qdsp_rq_entry", gateRequantEntries(p), 1);
  ctx.line(
    `{ const int32_t *const b[4] = { ${node.inputs.slice(9, 13).map((t) => ctx.ptr(t)).join(", ")} }; ` +
      `eg_qlstm_i8_dsp(${ctx.ptr(node.inputs[0]!)}, ${wx}, ${wh}, b, ${ctx.ptr(node.outputs[0]!)}, ${hidden}, ${cell}, ${params}, ${lut}, ${rq}); }`,
  );
}

/**
 * QLstmDsp: QLstm (TFLite's integer 8x8_16 LSTM; same attributes, infer, evaluate and MACs, the
 * same persistent h and c buffers) on Armv7E-M, emitted as the scratch-free SMLAD kernel of
 * runtime-c/kernels/qlstm_i8_dsp.c with the gate weights re-laid out unit by unit (lstm-weights.ts)
 * and the gate FCs' requantization entries in flash. Selected by rules/targets/cortex-m.rules for
 * constant gate weights (the importers' case); priced by lstm-cost.ts. No scratch (the generic
 * kernel takes 5 * S int16).
 */
export const LSTM_DSP_OPS: readonly OpDef[] = [
  {
    name: "QLstmDsp",
    family: "quant",
    attributes: coreAttributes(QLstm.name),
    dataTypes: "int8 activations, int16 cell",
    inputs: QLstm.inputs,
    outputs: QLstm.outputs,
    infer: (node, inputs) => QLstm.infer(node, inputs),
    evaluate: (node, inputs) => QLstm.evaluate(node, inputs),
    emitC: emitLstmDsp,
    macs: (node, inputs, outputs) => QLstm.macs!(node, inputs, outputs),
  },
];
