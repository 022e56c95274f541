/**
 * kmodel v3 (nncase v0.1) reader, K210-KPU.md §4.2: header, outputs, layer headers and bodies.
 * K210_CONV bodies are decoded into their KPU layer (registers, BN, activation, weights) with every
 * absolute offset checked against the file.
 */
import { fail } from "../../../src/errors.js";
import { unpackActivationTable, unpackBatchNormTable, unpackLayerArgument, layerGeometry, weightCount, type KpuLayer } from "../kpu-layer.js";
import { ByteCursor, checkedCount } from "./cursor.js";

export const V3_LAYER_NAMES: Record<number, string> = {
  0: "INVALID", 1: "ADD", 2: "QUANTIZED_ADD", 3: "GLOBAL_MAX_POOL2D", 4: "QUANTIZED_GLOBAL_MAX_POOL2D",
  5: "GLOBAL_AVERAGE_POOL2D", 6: "QUANTIZED_GLOBAL_AVERAGE_POOL2D", 7: "MAX_POOL2D", 8: "QUANTIZED_MAX_POOL2D",
  9: "AVERAGE_POOL2D", 10: "QUANTIZED_AVERAGE_POOL2D", 11: "QUANTIZE", 12: "DEQUANTIZE", 13: "REQUANTIZE",
  14: "L2_NORMALIZATION", 15: "SOFTMAX", 16: "CONCAT", 17: "QUANTIZED_CONCAT", 18: "FULLY_CONNECTED",
  19: "QUANTIZED_FULLY_CONNECTED", 20: "TENSORFLOW_FLATTEN", 21: "QUANTIZED_TENSORFLOW_FLATTEN",
  22: "RESIZE_NEAREST_NEIGHBOR", 23: "QUANTIZED_RESIZE_NEAREST_NEIGHBOR", 24: "CHANNELWISE_DEQUANTIZE",
  25: "LOGISTIC", 10240: "K210_CONV", 10241: "K210_ADD_PADDING", 10242: "K210_REMOVE_PADDING", 10243: "K210_UPLOAD",
};

export interface V3Layer {
  index: number;
  type: number;
  name: string;
  /** Absolute file offset of the body and its declared size. */
  offset: number;
  size: number;
  /** For K210_CONV: the decoded KPU layer and its flags/main-memory output. */
  kpu?: { layer: KpuLayer; mainMemOut: boolean; mainMemOutAddress: number };
}

export interface KmodelV3 {
  version: 3;
  flags: number;
  eightBitWeights: boolean;
  arch: number;
  maxStartAddress: number;
  mainMemUsage: number;
  outputs: { address: number; size: number }[];
  layers: V3Layer[];
  fileSize: number;
}

export function parseKmodelV3(bytes: Uint8Array, file: string): KmodelV3 {
  const c = new ByteCursor(bytes, file);
  const version = c.u32("header version");
  if (version !== 3) fail("parse", file, `header version is ${version}, expected 3`);
  const flags = c.u32("header flags");
  const arch = c.u32("header arch");
  if (arch !== 0) fail("parse", file, `header arch is ${arch}, expected 0 (K210)`);
  const layerCount = checkedCount(c.u32("header layers_length"), bytes.length / 8, file, "layers_length");
  const maxStartAddress = c.u32("header max_start_address");
  const mainMemUsage = c.u32("header main_mem_usage");
  const outputCount = checkedCount(c.u32("header output_count"), bytes.length / 8, file, "output_count");
  const outputs = Array.from({ length: outputCount }, (_, i) => ({ address: c.u32(`output ${i} address`), size: c.u32(`output ${i} size`) }));
  outputs.forEach((o, i) => {
    if (o.address + o.size > mainMemUsage) fail("parse", file, `output ${i} [${o.address}, +${o.size}) lies outside main memory (${mainMemUsage} bytes)`);
  });
  const headers = Array.from({ length: layerCount }, (_, i) => ({ type: c.u32(`layer ${i} type`), size: c.u32(`layer ${i} body_size`) }));
  const eightBit = (flags & 1) === 1;
  const layers: V3Layer[] = [];
  let offset = c.pos;
  headers.forEach((h, index) => {
    const name = V3_LAYER_NAMES[h.type] ?? fail("parse", file, `layer ${index} has unknown type ${h.type}`);
    // The last body's padding may be absent (§4.2): only its unpadded content must be present.
    const available = Math.min(h.size, bytes.length - offset);
    if (available < 0 || (index < headers.length - 1 && offset + h.size > bytes.length)) {
      fail("parse", file, `layer ${index} (${name}) body [${offset}, +${h.size}) runs past the end of the file (${bytes.length} bytes)`);
    }
    const layer: V3Layer = { index, type: h.type, name, offset, size: h.size };
    if (h.type === 10240) layer.kpu = parseV3Conv(bytes, file, index, offset, offset + available, eightBit);
    else new ByteCursor(bytes, file, offset, offset + available).need(8, `layer ${index} (${name}) body header`);
    layers.push(layer);
    offset += h.size;
  });
  return { version: 3, flags, eightBitWeights: eightBit, arch, maxStartAddress, mainMemUsage, outputs, layers, fileSize: bytes.length };
}

function parseV3Conv(bytes: Uint8Array, file: string, index: number, start: number, end: number, eightBit: boolean): NonNullable<V3Layer["kpu"]> {
  const where = `layer ${index} (K210_CONV)`;
  const c = new ByteCursor(bytes, file, start, end);
  const flags = c.u32(`${where} flags`);
  const mainMemOutAddress = c.u32(`${where} main_mem_out_address`);
  const layerOffset = c.u32(`${where} layer_offset`);
  const weightsOffset = c.u32(`${where} weights_offset`);
  const bnOffset = c.u32(`${where} bn_offset`);
  const actOffset = c.u32(`${where} act_offset`);
  // Offsets are absolute file offsets; each block must lie inside the file.
  const at = (offset: number, size: number, what: string): ByteCursor => {
    if (offset < start || offset + size > bytes.length) fail("parse", file, `${where} ${what} [${offset}, +${size}) lies outside the layer body / file`);
    return new ByteCursor(bytes, file, offset, offset + size);
  };
  const args = unpackLayerArgument(at(layerOffset, 96, "register block").u64s(12, `${where} register`));
  const g = layerGeometry(args);
  const bn = unpackBatchNormTable(at(bnOffset, 8 * g.outChannels, "batch-norm table").u64s(g.outChannels, `${where} batch-norm`));
  const activation = unpackActivationTable(at(actOffset, 144, "activation table").u64s(18, `${where} activation`));
  const n = weightCount(g);
  const wbytes = at(weightsOffset, n * (eightBit ? 1 : 2), "weights").take(n * (eightBit ? 1 : 2), `${where} weights`);
  const weights = eightBit ? wbytes : new Uint16Array(Array.from({ length: n }, (_, i) => wbytes[2 * i]! | (wbytes[2 * i + 1]! << 8)));
  return { layer: { args, batchNorm: bn, activation, weights }, mainMemOut: (flags & 1) === 1, mainMemOutAddress };
}
