import type { ValueInfo } from "../../src/ir/graph.js";
import { withCyclePrices } from "../../costmodels/cycle-prices.js";
import type { CostModel } from "../../costmodels/types.js";
import { LSTM_WIDE_MIN_ROWS } from "./ops/lstm-weights.js";

/**
 * Cortex-M4 prices of the integer LSTM kernels: the generic one (runtime-c/kernels/qlstm_i8.c) and
 * the SMLAD one (qlstm_i8_dsp.c) that rules/targets/cortex-m.rules offers as an alternative; both
 * priced here so that extraction compares like with like (the table model prices every "quant" op
 * by bytes moved, the same for both). Cycles ~ instructions, fitted to the per-op counts under QEMU
 * (arm-none-eabi-gcc -O2, `egret bench --per-op`):
 * - generic: ~7 per MAC (byte loads, zero-point subtraction, MLA, loop); ~800 per unit and step
 *   (the 8 FC requantizations with eg_q_mul, the gate sums, eg_qlstm_unit's 5 table activations
 *   and cell update).
 * - DSP, int16 weights (B x T >= LSTM_WIDE_MIN_ROWS): 0.75 per MAC (24 instructions per 32 MACs:
 *   LDRD + 2 LDM + 8 SMLAD per 4 columns, twice, and the loop); ~367 per unit and step (the folded
 *   biases, two gate_dots16 calls, 8 table requantizations ~102, the activations and cell update
 *   ~176). Fitted on 40-64 x 25 and 128-128 x 8 (exact on both); 10-16 x 25 measures 5% above
 *   (its columns padded 10 -> 16).
 * - DSP, int8 weights (fewer rows): 1.66 per MAC (27 instructions per 16 MACs); ~408 per unit and
 *   step. Fitted on TFLM's DTLN LSTMs (257-128 and 128-128, one step); 96-128 x 4 measures 1.6% below.
 */
export const CORTEX_M4_LSTM_CYCLES = {
  call: 80,
  genericPerMac: 7,
  genericPerUnit: 800,
  dspPerMac: 1.66,
  dspPerUnit: 408,
  dspWidePerMac: 0.75,
  dspWidePerUnit: 367,
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
  if (op === "QLstm") return c.call + macs * c.genericPerMac + rows * units * c.genericPerUnit;
  return rows >= LSTM_WIDE_MIN_ROWS ? c.call + macs * c.dspWidePerMac + rows * units * c.dspWidePerUnit : c.call + macs * c.dspPerMac + rows * units * c.dspPerUnit;
}

/** The hook for cost-model.ts: the given model with the LSTM kernels priced by `lstmCycles`, every other op unchanged. */
export function withLstmPrices(model: CostModel): CostModel {
  return withCyclePrices(model, (node, inputs) => lstmCycles(node.op, inputs));
}
