import type { ValueInfo } from "../../src/ir/graph.js";
import { withCyclePrices } from "../../costmodels/cycle-prices.js";
import type { CostModel } from "../../costmodels/types.js";

/**
 * Cortex-M4 prices of the integer LSTM kernels: the generic one (runtime-c/kernels/qlstm_i8.c) and
 * the SMLAD one (qlstm_i8_dsp.c) that rules/targets/cortex-m.rules offers as an alternative; both
 * priced here so that extraction compares like with like (the table model prices every "quant" op
 * by bytes moved, the same for both). Cycles ~ instructions, fitted to `egret bench --target
 * cortex-m4 --per-op` of bench/constructed-lstm.ts's networks (arm-none-eabi-gcc -O2):
 * - generic: per MAC the byte loads, the zero-point subtraction, MLA and the loop; per unit and
 *   step the 8 FC requantizations (eg_q_mul with its 64-bit arithmetic), the gate sums, the 5
 *   table activations and the cell update (eg_qlstm_unit).
 * - DSP: per MAC a quarter of (one v word widened twice, per gate one weight word, two SXTB16, two
 *   SMLAD); per unit and step the two gate_dots calls, the n % 4 tails, 8 requantizations on the
 *   compile-time table, eg_qlstm_unit, and the copy of the step's hidden values.
 */
export const CORTEX_M4_LSTM_CYCLES = {
  call: 80,
  genericPerMac: 7,
  genericPerUnit: 420,
  dspPerMac: 2,
  dspPerUnit: 330,
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
