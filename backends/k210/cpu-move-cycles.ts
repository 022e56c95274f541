/**
 * CPU cycles of moving data around KPU layers on one RV64GC core (K210-KPU.md §1.7), shared by the
 * kmodel latency estimate (latency.ts) and the k210-kpu cost model's price of a fully connected
 * KPU layer (cost-model.ts), so extraction and the estimate agree on what an FC on the KPU costs.
 * [UNVERIFIED: coefficients of the cycle model, not measured on silicon.]
 */
/** Re-layout into or out of KPU RAM by the CPU, per byte (rows not a multiple of 64 wide). */
export const RELAYOUT_CYCLES_PER_BYTE = 2;
/** A plain copy (memory_copy, concat; an upload of rows 64 wide), per byte. */
export const COPY_CYCLES_PER_BYTE = 0.25;
/** Float quantise or dequantise, per element. */
export const QUANTISE_CYCLES_PER_ELEMENT = 6;
/** Transposes, strided slices and pads, per output element. */
export const MOVE_CYCLES_PER_ELEMENT = 3;
