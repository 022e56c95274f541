import { fail } from "../../../src/errors.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { nodeLabel, type Node } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { emitLstmOperands, QLstm, type LstmPlan } from "../../../src/ir/ops/quant/lstm.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";
import { contentNamedArray } from "./content-array.js";
import { emitPackedWeights } from "./fc-packed-weights.js";
import { foldLstmBiases, LSTM_WIDE_MIN_ROWS, lstmPaddedColumns, packLstmGates, packLstmGates16, type GateMatrices } from "./lstm-weights.js";
import { requantTable } from "./requant-table.js";

/**
 * The 11 requantization entries of the kernel (the gate FCs input i, f, c, o, recurrent i, f, c, o,
 * then the cell update's forget, input and output products), computed at compile time:
 * requant-table.ts's entry where the multiplier/shift is in the fast path's range,
 * else a marker with rs = -1 (the kernel then takes eg_qdsp_mul with the parameter array's pair).
 */
function gateRequantEntries(p: LstmPlan): string[] {
  return [...p.inputFc, ...p.recurrentFc, p.forgetMul, p.inputMul, p.outputMul].map((m) => {
    const e = requantTable([m.multiplier], [m.shift], 1)?.[0];
    return e === undefined ? "{ 0, 0u, 0, -1 }" : `{ ${e.mult}, ${e.cLo}u, ${e.cHi}, ${e.rs} }`;
  });
}

/** The four constant operands node.inputs[first .. first + 3] (gate weights or biases); `what` names them in the error. */
function gateConstants(node: Node, ctx: EmitCtx, first: number, what: string): GateMatrices {
  const data = node.inputs.slice(first, first + 4).map((t) => {
    const c = ctx.constant?.(t);
    if (c === undefined) fail("bad-shape", nodeLabel(node), `QLstmDsp needs constant ${what} (tensor "${t}" is computed at run time); use QLstm for this layer`);
    return c.data as ArrayLike<number>;
  });
  return [data[0]!, data[1]!, data[2]!, data[3]!];
}

/** A word-aligned `static const` array named `w_*` (the size report counts it among the weights); returns the element pointer expression. */
function emitWeightArray(ctx: EmitCtx, base: string, ctype: "int16_t" | "int32_t", values: ArrayLike<number>): string {
  const name = ctx.uniqueName(`w_${base}`);
  const items = Array.from(values);
  const rows: string[] = [];
  for (let i = 0; i < items.length; i += 24) rows.push(items.slice(i, i + 24).join(", "));
  ctx.define(name, `static const union { int32_t align; ${ctype} v[${items.length}]; } ${name} = { .v = {\n  ${rows.join(",\n  ")}\n} };`);
  return `${name}.v`;
}

function emitLstmDsp(node: Node, ctx: EmitCtx): void {
  const { p, hidden, cell, params, lut } = emitLstmOperands(node, ctx);
  for (const unit of ["qdsp_i8", "qlstm_i8", "qlstm_i8_dsp"]) ctx.useRuntime(unit);
  const input = gateConstants(node, ctx, 1, "gate weights");
  const recurrent = gateConstants(node, ctx, 5, "gate weights");
  const biases = gateConstants(node, ctx, 9, "gate biases");
  const wide = p.batch * p.time >= LSTM_WIDE_MIN_ROWS;
  const gates = (m: GateMatrices, tensor: string, n: number) =>
    wide
      ? emitWeightArray(ctx, `${tensor}_lstm_gates16`, "int16_t", packLstmGates16(m, p.units, n))
      : emitPackedWeights(ctx, `${tensor}_lstm_gates`, packLstmGates(m, p.units, n));
  const wx = gates(input, node.inputs[1]!, p.inputs);
  const wh = gates(recurrent, node.inputs[5]!, p.units);
  const bias = emitWeightArray(ctx, `${node.inputs[9]!}_lstm_folded`, "int32_t", foldLstmBiases(input, recurrent, biases, p.units, p.inputs, -p.xZeroPoint, -p.hZeroPoint));
  const rq = contentNamedArray(ctx, "eg_rq", "eg_qdsp_rq_entry", gateRequantEntries(p), 1);
  ctx.line(`eg_qlstm_i8_dsp(${ctx.ptr(node.inputs[0]!)}, ${wx}, ${wh}, ${bias}, ${ctx.ptr(node.outputs[0]!)}, ${hidden}, ${cell}, ${wide ? `(int16_t *)${ctx.scratch()}` : "NULL"}, ${params}, ${lut}, ${rq});`);
}

/**
 * Scratch of the DSP kernel: with int16 weights (rows = B * T >= LSTM_WIDE_MIN_ROWS) x and h of one
 * step widened to int16, each padded to 8 columns; else none.
 */
export function lstmDspScratchBytes(rows: number, inputs: number, units: number): number {
  return rows >= LSTM_WIDE_MIN_ROWS ? 2 * (lstmPaddedColumns(inputs) + lstmPaddedColumns(units)) : 0;
}

/**
 * QLstmDsp: QLstm (TFLite's integer 8x8_16 LSTM; same attributes, infer, evaluate and MACs, the
 * same persistent h and c buffers) on Armv7E-M, emitted as the SMLAD kernel of
 * runtime-c/kernels/qlstm_i8_dsp.c with the gate weights re-laid out unit by unit (widened to int16
 * from LSTM_WIDE_MIN_ROWS rows on), the zero-point terms folded into the biases (lstm-weights.ts),
 * and the kernel's requantization entries in flash. Selected by rules/targets/cortex-m.rules for
 * constant gate weights and biases (the importers' case); priced by lstm-cost.ts. Scratch: with
 * int16 weights one step's x and h as int16, each padded to 8; else none (the generic kernel takes
 * 5 * S int16).
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
    // x [B, T, I] or [T, B, I], W_i [S, I] (infer has checked the shapes).
    scratchBytes: (_node, inputs) => lstmDspScratchBytes((inputs[0]?.shape[0] ?? 0) * (inputs[0]?.shape[1] ?? 0), inputs[1]?.shape[1] ?? 0, inputs[1]?.shape[0] ?? 0),
  },
];
