import type { ValueInfo } from "../../src/ir/graph.js";
import { numel } from "../../src/ir/shape.js";
import { withCyclePrices } from "../../costmodels/cycle-prices.js";
import type { CostModel } from "../../costmodels/types.js";

/**
 * Cortex-M4 prices of the int16-state SVDF kernels: the generic ones (runtime-c/kernels/qsvdf_i8.c)
 * and the SMLAD ones (qsvdf_i8_dsp.c) that rules/targets/cortex-m.rules offers as alternatives;
 * both sides priced here so that extraction compares like with like (the table model prices every
 * "quant" op by bytes moved, the same for both). Cycles ~ instructions, fitted to the per-op counts
 * of keyword_scrambled under QEMU (-icount shift=0, arm-none-eabi-gcc -O2, `egret bench --per-op`):
 * - generic state: ~10 per state cell (newlib's memmove of a buffer shifted by 2 bytes goes byte
 *   by byte, then a memcpy into the output), ~6 per MAC (LDRSB x2, offset, MLA, loop), ~50 per
 *   filter (eg_q_mul with its 64-bit divide, clamp, store).
 * - generic output: ~7 per MAC, ~89 per unit.
 * - DSP state: ~2.4 per cell (the shift and the copy in one pass of word loads and two stores),
 *   ~1.45 per MAC (4 filters per pass over x: 25 instructions per 16 MACs), ~47 per filter (the
 *   call per 4 filters, the k % 4 tail, requantization, SSAT, two stores).
 * - DSP output: ~2 per MAC (two word loads per SMLAD of 2 MACs), ~39 per unit (bias, requantization, SSAT).
 */
export const CORTEX_M4_SVDF_CYCLES = {
  call: 60,
  genericStatePerCell: 10,
  genericStatePerMac: 6,
  genericStatePerFilter: 50,
  genericOutputPerMac: 7,
  genericOutputPerUnit: 89,
  dspStatePerCell: 2.4,
  dspStatePerMac: 1.45,
  dspStatePerFilter: 47,
  dspOutputPerMac: 2,
  dspOutputPerUnit: 39,
} as const;

/** Cycles of one SVDF kernel call, or undefined for any other op (or a node without shapes). */
export function svdfCycles(op: string, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): number | undefined {
  const c = CORTEX_M4_SVDF_CYCLES;
  const [x, w] = inputs;
  const out = outputs[0];
  if (x === undefined || w === undefined || out === undefined || x.shape.length !== 2 || w.shape.length !== 2) return undefined;
  const batch = x.shape[0]!;
  const filters = w.shape[0]!;
  if (op === "QSvdfState" || op === "QSvdfStateDsp") {
    const macs = batch * filters * x.shape[1]!;
    const cells = numel(out.shape);
    return op === "QSvdfState"
      ? c.call + cells * c.genericStatePerCell + macs * c.genericStatePerMac + batch * filters * c.genericStatePerFilter
      : c.call + cells * c.dspStatePerCell + macs * c.dspStatePerMac + batch * filters * c.dspStatePerFilter;
  }
  if (op === "QSvdfOutput" || op === "QSvdfOutputDsp") {
    const macs = numel(x.shape);
    const units = numel(out.shape);
    return op === "QSvdfOutput"
      ? c.call + macs * c.genericOutputPerMac + units * c.genericOutputPerUnit
      : c.call + macs * c.dspOutputPerMac + units * c.dspOutputPerUnit;
  }
  return undefined;
}

/** The hook for cost-model.ts: the given model with the SVDF kernels priced by `svdfCycles`, every other op unchanged. */
export function withSvdfPrices(model: CostModel): CostModel {
  return withCyclePrices(model, (node, inputs, outputs) => svdfCycles(node.op, inputs, outputs));
}
