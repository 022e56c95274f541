import type { ValueInfo } from "../../src/ir/graph.js";
import { withCyclePrices } from "../../costmodels/cycle-prices.js";
import type { CostModel } from "../../costmodels/types.js";

/**
 * Cortex-M4 prices of the integer LSTM kernels: the generic one (runtime-c/kernels/qlstm_i8.c) and
 * the SMLAD one (qlstm_i8_dsp.c) that rules/targets/cortex-m.rules offers as an alternative; both
 * priced here so that extraction compares like with like (the table model prices every "quant" op
 * by bytes moved, the same for both). Cycles ~ instructions, fitted to the per-op counts under QEMU
 * (arm-none-eabi-gcc -O2, `egret bench --per-op`) of bench/constructed-lstm.ts's layers 40-64 x 25
 * steps, 96-128 x 4 and 10-16 x 25 (within 0.7% on the first two, 3.1% on the small third):
 * - generic: ~7 per MAC (byte loads, zero-point subtraction, MLA, loop); ~800 per unit and step
 *   (the 8 FC requantizations with eg_q_mul, the gate sums, eg_qlstm_unit's 5 table activations
 *   and cell update).
 * - DSP: ~1.7 per MAC (27 instructions per 16 MACs: one v word widened twice, per gate one weight
 *   word, two SXTB16, two SMLADs); ~555 per unit and step (two gate_dots calls, the n % 4 tails,
 *   8 requantizations on the compile-time table, eg_qlstm_unit, the copy of the hidden values).
 */
export const CORTEX_M4_LSTM_CYCLES = {
  call: 80,
  genericPerMac: 7,
  genericPerUnit: 800,
  dspPerMac: 1.7,
  dspPerUnit: 555,
} as const;

/** Cycles of one LSTM kernel call (inputs: x [B, T, I] or [T, B, I], then W_i [S, I], ...), or undefined for any other op. */
export function lstmCycles(op: string, inputs: readonly (ValueInfo | undefined)[]): number | undefined {
  if (op !== "QLstm" && op !== "QLstmDsp") return undefined;
  const [x, w] = inputs;
  if (x === undefined || w === undefined || x.shape.length !== 3 || w.shape.length !== 2) return undefined;
  const c = CORTEX_M4_LSTM_CYCLES;
  const rows = x.shape[0]! * x.shape[1]!;
  const units = w.shape[0]!;
  const macs = rows * 4 * units * (x.shape[2]! + units);
  return op === "QLstm" ? c.call + macs * c.genericPerMac + rows * units * c.genericPerUnit : c.call + macs * c.dspPerMac + rows * units * c.dspPerUnit;
}

/** The hook for cost-model.ts: the given model with the LSTM kernels priced by `lstmCycles`, every other op unchanged. */
export function withLstmPrices(model: CostModel): CostModel {
  return withCyclePrices(model, (node, inputs) => lstmCycles(node.op, inputs));
}
