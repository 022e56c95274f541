/**
 * The kmodel v4 `kpu_conv2d` body (K210-KPU.md §4.3, nncase v0.2 `k210_ops_body.h`):
 *   memory_range main_mem_output | i32 batches | i32 reserved0 | 96-byte kpu_layer_argument_t |
 *   pad → BN table (OC × 8) | pad → activation table (144) | pad → uint8 weights
 * Each pad brings the ABSOLUTE file offset to a multiple of 256 (§2.4), and the register words'
 * `bwsx_base_addr`, `active_addr` and `para_start_addr` hold those pad byte counts (the device
 * runtime overwrites them with addresses at load time).
 */
import { fail } from "../../../src/errors.js";
import type { ByteWriter, MemoryRangeRecord } from "./bytes.js";
import { ACTIVATION_TABLE_BYTES, BATCH_NORM_ENTRY_BYTES, packActivationTable, packBatchNormTable, packLayerArgument, type KpuLayer } from "../kpu-layer.js";

/** §2.4 (v4): BN, activation and weights sit at absolute multiples of 256. */
export const KPU_PARAM_ALIGN = 256;
const REGISTER_BYTES = 96;

const padBefore = (offset: number) => (KPU_PARAM_ALIGN - (offset % KPU_PARAM_ALIGN)) % KPU_PARAM_ALIGN;

/** Where the layer reads and writes in KPU RAM (lines) and its optional uint8 main-memory output. */
export interface KpuPlacement {
  readonly srcLine: number;
  readonly dstLine: number;
  readonly mainOutput?: MemoryRangeRecord;
}

/** nncase writes an absent main-memory output as 16 zero bytes. */
const NO_OUTPUT: MemoryRangeRecord = { memoryType: "const", datatype: "float32", start: 0, size: 0 };

export function writeKpuConv2dBody(w: ByteWriter, layer: KpuLayer, at: KpuPlacement): void {
  const registersEnd = w.offset + 16 + 8 + REGISTER_BYTES;
  const bnPad = padBefore(registersEnd);
  const bnEnd = registersEnd + bnPad + BATCH_NORM_ENTRY_BYTES * layer.batchNorm.length;
  const actPad = padBefore(bnEnd);
  const actEnd = bnEnd + actPad + ACTIVATION_TABLE_BYTES;
  const weightsPad = padBefore(actEnd);
  // int_en is set by the runtime; send_data_out = 1 when the layer has a main-memory output (§2.1).
  const args = {
    ...layer.args,
    imageSrcAddr: at.srcLine,
    imageDstAddr: at.dstLine,
    intEn: 0,
    sendDataOut: at.mainOutput ? 1 : 0,
    bwsxBaseAddr: bnPad,
    activeAddr: actPad,
    paraStartAddr: weightsPad,
  };
  w.memoryRange(at.mainOutput ?? NO_OUTPUT).i32(1).i32(0);
  for (const word of packLayerArgument(args)) w.u64(word);
  w.padTo(KPU_PARAM_ALIGN);
  for (const word of packBatchNormTable(layer.batchNorm)) w.u64(word);
  w.padTo(KPU_PARAM_ALIGN);
  for (const word of packActivationTable(layer.activation)) w.u64(word);
  w.padTo(KPU_PARAM_ALIGN);
  // v4 is 8-bit only (the runtime always sets eight_bit_mode); 16-bit weights exist in v3 alone.
  if (!(layer.weights instanceof Uint8Array)) fail("unsupported-dtype", "kmodel v4 writer", "a KPU layer has 16-bit weights; kmodel v4 takes 8-bit weights only");
  w.bytes(layer.weights);
}
