/**
 * One KPU layer as the hardware sees it (K210-KPU.md §2): the 12 64-bit register words of
 * `kpu_layer_argument_t` (§2.1) as named fields, the 16-segment activation table (§2.2), the
 * per-output-channel batch-norm table (§2.3) and the weights (§1.6).
 *
 * Every field holds the RAW register value: fields documented "−1" store value minus one (use
 * `layerGeometry` for the real counts), signed fields hold the signed value (sign-extended on unpack).
 * All fields are `number`: the widest field is 40 bits (`argAdd`), well inside 2^53.
 *
 * Invariants: `unpackLayerArgument(packLayerArgument(a))` equals `a` for every field value inside
 * its range; reserved bits are written as 0 and ignored on unpack. Out-of-range values are rejected
 * by `packLayerArgument` (an encoder bug must not silently wrap into a neighbouring field).
 */
import { fail } from "../../src/errors.js";

/** Register fields of `kpu_layer_argument_t`, spec §2.1 (word number and bit range in comments). */
export interface KpuLayerArgument {
  // word 0 interrupt_enabe
  /** w0[0] raise calc_done when the layer finishes. */
  intEn: number;
  /** w0[1] "reserved" (MC); nncase writes 0. */
  ramFlag: number;
  /** w0[2] per-channel sum output (§1.7); unused by nncase. */
  fullAdd: number;
  /** w0[3] depthwise conv (IC = OC, weights C×k×k). */
  depthWiseLayer: number;
  // word 1 image_addr
  /** w1[14:0] input map base line (64-byte lines from KPU RAM start). */
  imageSrcAddr: number;
  /** w1[46:32] output map base line. */
  imageDstAddr: number;
  // word 2 image_channel_num
  /** w2[9:0] IC − 1. */
  iChNum: number;
  /** w2[41:32] OC − 1. */
  oChNum: number;
  /** w2[57:48] output channels per weight chunk − 1 (§1.6). */
  oChNumCoef: number;
  // word 3 image_size
  /** w3[9:0] input W − 1. */
  iRowWid: number;
  /** w3[18:10] input H − 1. */
  iColHigh: number;
  /** w3[41:32] output W − 1 (after pooling). */
  oRowWid: number;
  /** w3[50:42] output H − 1 (after pooling). */
  oColHigh: number;
  // word 4 kernel_pool_type_cfg
  /** w4[2:0] 0 = 1×1, 1 = 3×3. */
  kernelType: number;
  /** w4[3] unknown; every generator writes 0. */
  padType: number;
  /** w4[7:4] pooling mode, §1.5 (`KpuPoolType`). */
  poolType: number;
  /** w4[8] subsample input by 2 (MC) [UNVERIFIED]; nncase writes 0. */
  firstStride: number;
  /** w4[9] unknown; 0. */
  bypassConv: number;
  /** w4[10] load the BN table; 1. */
  loadPara: number;
  /** w4[23:16] DMA burst; nncase writes 15. */
  dmaBurstSize: number;
  /** w4[31:24] value of padded pixels (uint8), nncase: input zero point. */
  padValue: number;
  /** w4[63:32] BN table address (v4 file: pad byte count before the table). */
  bwsxBaseAddr: number;
  // word 5 kernel_load_cfg
  /** w5[0] load conv weights; 1. */
  loadCoor: number;
  /** w5[6:1] number of weight chunks − 1. */
  loadTime: number;
  /** w5[31:15] bytes per weight chunk. */
  paraSize: number;
  /** w5[63:32] weights address (v4 file: pad byte count). */
  paraStartAddr: number;
  // word 6 kernel_offset
  /** w6[3:0] unknown; 0. */
  coefColumnOffset: number;
  /** w6[15:4] unknown; 0. */
  coefRowOffset: number;
  // word 7 kernel_calc_type_cfg
  /** w7[14:0] input channel-group stride in lines = L_in·H_in (§1.3). */
  channelSwitchAddr: number;
  /** w7[19:16] input lines per row L_in. */
  rowSwitchAddr: number;
  /** w7[27:20] "reserved" (MC); 0. */
  coefSize: number;
  /** w7[30:28] input channels per line g_in (1/2/4). */
  coefGroup: number;
  /** w7[31] load the activation table; 1. */
  loadAct: number;
  /** w7[63:32] activation table address (v4 file: pad byte count). */
  activeAddr: number;
  // word 8 write_back_cfg
  /** w8[14:0] L_out·H_out. */
  wbChannelSwitchAddr: number;
  /** w8[19:16] L_out. */
  wbRowSwitchAddr: number;
  /** w8[22:20] g_out. */
  wbGroup: number;
  // word 9 conv_value
  /** w9[3:0] right shift applied to argW·Σw. */
  shrW: number;
  /** w9[7:4] right shift applied to argX·Σx. */
  shrX: number;
  /** w9[31:8] signed 24: multiplier of Σw (carries the INPUT offset, §3.6). */
  argW: number;
  /** w9[55:32] signed 24: multiplier of Σx (carries the WEIGHT offset, §3.6). */
  argX: number;
  // word 10 conv_value2
  /** w10[39:0] signed 40: constant added per input channel of a group. */
  argAdd: number;
  // word 11 dma_parameter
  /** w11[0] also push the output to fifo_data_out. */
  sendDataOut: number;
  /** w11[31:16] OW·OH − 1. */
  channelByteNum: number;
  /** w11[63:32] OW·OH·OC − 1. */
  dmaTotalByte: number;
}

export type KpuLayerField = keyof KpuLayerArgument;

/** Where a field lives: word index, lowest bit, width, two's-complement or not. */
export interface FieldPlacement {
  readonly word: number;
  readonly lsb: number;
  readonly width: number;
  readonly signed: boolean;
}

const u = (word: number, lsb: number, width: number): FieldPlacement => ({ word, lsb, width, signed: false });
const s = (word: number, lsb: number, width: number): FieldPlacement => ({ word, lsb, width, signed: true });

/** Bit placement of every field, transcribed from the §2.1 table (LSB-first, GCC RV64 bit-fields). */
export const KPU_LAYER_FIELDS: Readonly<Record<KpuLayerField, FieldPlacement>> = {
  intEn: u(0, 0, 1),
  ramFlag: u(0, 1, 1),
  fullAdd: u(0, 2, 1),
  depthWiseLayer: u(0, 3, 1),
  imageSrcAddr: u(1, 0, 15),
  imageDstAddr: u(1, 32, 15),
  iChNum: u(2, 0, 10),
  oChNum: u(2, 32, 10),
  oChNumCoef: u(2, 48, 10),
  iRowWid: u(3, 0, 10),
  iColHigh: u(3, 10, 9),
  oRowWid: u(3, 32, 10),
  oColHigh: u(3, 42, 9),
  kernelType: u(4, 0, 3),
  padType: u(4, 3, 1),
  poolType: u(4, 4, 4),
  firstStride: u(4, 8, 1),
  bypassConv: u(4, 9, 1),
  loadPara: u(4, 10, 1),
  dmaBurstSize: u(4, 16, 8),
  padValue: u(4, 24, 8),
  bwsxBaseAddr: u(4, 32, 32),
  loadCoor: u(5, 0, 1),
  loadTime: u(5, 1, 6),
  paraSize: u(5, 15, 17),
  paraStartAddr: u(5, 32, 32),
  coefColumnOffset: u(6, 0, 4),
  coefRowOffset: u(6, 4, 12),
  channelSwitchAddr: u(7, 0, 15),
  rowSwitchAddr: u(7, 16, 4),
  coefSize: u(7, 20, 8),
  coefGroup: u(7, 28, 3),
  loadAct: u(7, 31, 1),
  activeAddr: u(7, 32, 32),
  wbChannelSwitchAddr: u(8, 0, 15),
  wbRowSwitchAddr: u(8, 16, 4),
  wbGroup: u(8, 20, 3),
  shrW: u(9, 0, 4),
  shrX: u(9, 4, 4),
  argW: s(9, 8, 24),
  argX: s(9, 32, 24),
  argAdd: s(10, 0, 40),
  sendDataOut: u(11, 0, 1),
  channelByteNum: u(11, 16, 16),
  dmaTotalByte: u(11, 32, 32),
};

export const KPU_LAYER_FIELD_NAMES = Object.keys(KPU_LAYER_FIELDS) as KpuLayerField[];

/** Number of 64-bit words of `kpu_layer_argument_t` (96 bytes). */
export const KPU_LAYER_WORDS = 12;

/** Inclusive value range of a field. */
export function fieldRange(p: FieldPlacement): { min: number; max: number } {
  return p.signed
    ? { min: -(2 ** (p.width - 1)), max: 2 ** (p.width - 1) - 1 }
    : { min: 0, max: 2 ** p.width - 1 };
}

/** A layer argument with every field 0. */
export function emptyLayerArgument(): KpuLayerArgument {
  const a = {} as Record<KpuLayerField, number>;
  for (const name of KPU_LAYER_FIELD_NAMES) a[name] = 0;
  return a;
}

/** Insert `value` (range-checked) into bits [lsb, lsb+width) of a 64-bit word. */
function insertBits(word: bigint, value: number, p: FieldPlacement, what: string): bigint {
  const { min, max } = fieldRange(p);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail("internal", what, `value ${value} does not fit the ${p.width}-bit ${p.signed ? "signed" : "unsigned"} field (range ${min}..${max})`);
  }
  const mask = (1n << BigInt(p.width)) - 1n;
  return word | ((BigInt(value) & mask) << BigInt(p.lsb));
}

/** Extract bits [lsb, lsb+width) of a 64-bit word, sign-extending signed fields. */
export function extractBits(word: bigint, lsb: number, width: number, signed: boolean): number {
  const raw = (word >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n);
  const value = signed && raw >> BigInt(width - 1) === 1n ? raw - (1n << BigInt(width)) : raw;
  return Number(value);
}

/** The 12 register words (unsigned 64-bit bigints) in issue order 0..11 (§2.1). */
export function packLayerArgument(a: KpuLayerArgument): bigint[] {
  const words = new Array<bigint>(KPU_LAYER_WORDS).fill(0n);
  for (const name of KPU_LAYER_FIELD_NAMES) {
    const p = KPU_LAYER_FIELDS[name];
    words[p.word] = insertBits(words[p.word] ?? 0n, a[name], p, `KPU register field ${name}`);
  }
  return words;
}

/** Named fields from 12 register words; reserved bits are ignored. */
export function unpackLayerArgument(words: readonly bigint[]): KpuLayerArgument {
  if (words.length !== KPU_LAYER_WORDS) fail("internal", "kpu_layer_argument_t", `expected ${KPU_LAYER_WORDS} words, got ${words.length}`);
  const a = emptyLayerArgument();
  for (const name of KPU_LAYER_FIELD_NAMES) {
    const p = KPU_LAYER_FIELDS[name];
    a[name] = extractBits(words[p.word] ?? 0n, p.lsb, p.width, p.signed);
  }
  return a;
}

/** Little-endian bytes of 64-bit words (the in-memory / in-file form of the tables). */
export function wordsToBytes(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, w), true));
  return out;
}

/** 64-bit little-endian words from bytes (`bytes.length` must be a multiple of 8). */
export function bytesToWords(bytes: Uint8Array): bigint[] {
  if (bytes.length % 8 !== 0) fail("internal", "KPU words", `byte length ${bytes.length} is not a multiple of 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: bigint[] = [];
  for (let i = 0; i < bytes.length; i += 8) words.push(view.getBigUint64(i, true));
  return words;
}

// ---------------------------------------------------------------------------------------------
// §1.5 pooling modes

/** `pool_type` values (§1.5). */
export const KpuPoolType = {
  bypass: 0,
  max2s2: 1,
  mean2s2: 2,
  max4s4: 3,
  mean4s4: 4,
  leftTop2s2: 5,
  rightTop2s2: 6,
  leftTop4s4: 7,
  mean2s1: 8,
  max2s1: 9,
} as const;
export type KpuPoolType = (typeof KpuPoolType)[keyof typeof KpuPoolType];

/** Output stride of a pool type (1, 2 or 4); undefined for values the spec does not define. */
export function poolStride(poolType: number): number | undefined {
  switch (poolType) {
    case 0: case 8: case 9: return 1;
    case 1: case 2: case 5: case 6: return 2;
    case 3: case 4: case 7: return 4;
    default: return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// §2.2 activation table

/** One segment of the piecewise-linear activation (§2.2, §3.3). */
export interface ActivationSegment {
  /** [59:24] signed 36: segment start X_i (segment i applies when v > X_i, v0.2 rule). */
  xStart: number;
  /** [23:8] signed 16: slope multiplier m_i. */
  yMul: number;
  /** [7:0] right shift s_i. */
  shiftNumber: number;
  /** Output offset b_i (uint8), stored in words 16/17. */
  bias: number;
}

/** `kpu_activate_table_t`: exactly 16 segments, 18 words = 144 bytes (§2.2). */
export type ActivationTable = ActivationSegment[];
export const ACTIVATION_SEGMENTS = 16;
export const ACTIVATION_TABLE_BYTES = 144;

const ACT_SHIFT = u(0, 0, 8);
const ACT_MUL = s(0, 8, 16);
const ACT_XSTART = s(0, 24, 36);

export function packActivationTable(t: ActivationTable): bigint[] {
  if (t.length !== ACTIVATION_SEGMENTS) fail("internal", "activation table", `expected 16 segments, got ${t.length}`);
  const words: bigint[] = [];
  let bias0 = 0n;
  let bias1 = 0n;
  t.forEach((seg, i) => {
    const what = `activation segment ${i}`;
    let w = insertBits(0n, seg.shiftNumber, ACT_SHIFT, `${what} shift_number`);
    w = insertBits(w, seg.yMul, ACT_MUL, `${what} y_mul`);
    w = insertBits(w, seg.xStart, ACT_XSTART, `${what} x_start`);
    words.push(w);
    const b = insertBits(0n, seg.bias, u(0, 0, 8), `${what} result_bias`);
    if (i < 8) bias0 |= b << BigInt(8 * i);
    else bias1 |= b << BigInt(8 * (i - 8));
  });
  words.push(bias0, bias1);
  return words;
}

/** Segments from the 18 table words; bits [63:60] of segment words are don't-care (§2.2). */
export function unpackActivationTable(words: readonly bigint[]): ActivationTable {
  if (words.length !== 18) fail("internal", "activation table", `expected 18 words, got ${words.length}`);
  const t: ActivationTable = [];
  for (let i = 0; i < ACTIVATION_SEGMENTS; i++) {
    const w = words[i] ?? 0n;
    const biasWord = (i < 8 ? words[16] : words[17]) ?? 0n;
    t.push({
      shiftNumber: extractBits(w, 0, 8, false),
      yMul: extractBits(w, 8, 16, true),
      xStart: extractBits(w, 24, 36, true),
      bias: extractBits(biasWord, 8 * (i % 8), 8, false),
    });
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// §2.3 batch-norm table

/** One output channel of `kpu_batchnorm_argument_t` (§2.3): v = ((acc·normMul) >> normShift) + normAdd. */
export interface BatchNormEntry {
  /** [23:0] signed 24: M_c. */
  normMul: number;
  /** [55:24] signed 32: A_c. */
  normAdd: number;
  /** [59:56] S_c (0..15). */
  normShift: number;
}
export const BATCH_NORM_ENTRY_BYTES = 8;

export function packBatchNorm(entry: BatchNormEntry, channel = 0): bigint {
  const what = `batch-norm channel ${channel}`;
  let w = insertBits(0n, entry.normMul, s(0, 0, 24), `${what} norm_mul`);
  w = insertBits(w, entry.normAdd, s(0, 24, 32), `${what} norm_add`);
  return insertBits(w, entry.normShift, u(0, 56, 4), `${what} norm_shift`);
}

export function unpackBatchNorm(word: bigint): BatchNormEntry {
  return {
    normMul: extractBits(word, 0, 24, true),
    normAdd: extractBits(word, 24, 32, true),
    normShift: extractBits(word, 56, 4, false),
  };
}

export function packBatchNormTable(entries: readonly BatchNormEntry[]): bigint[] {
  return entries.map((e, c) => packBatchNorm(e, c));
}

export function unpackBatchNormTable(words: readonly bigint[]): BatchNormEntry[] {
  return words.map(unpackBatchNorm);
}

// ---------------------------------------------------------------------------------------------
// A whole layer

/**
 * A complete KPU layer: registers plus the three parameter blocks.
 * `weights` is OIHW uint8 (`[oc][ic][ky][kx]`, depthwise `[c][ky][kx]`, §1.6); 16-bit (v3 only)
 * weights are a Uint16Array. `batchNorm` has one entry per output channel.
 */
export interface KpuLayer {
  args: KpuLayerArgument;
  batchNorm: BatchNormEntry[];
  activation: ActivationTable;
  weights: Uint8Array | Uint16Array;
}

/** Real counts derived from the raw register fields (Appendix A step 1). */
export interface KpuLayerGeometry {
  inChannels: number;
  outChannels: number;
  inWidth: number;
  inHeight: number;
  outWidth: number;
  outHeight: number;
  /** Kernel size 1 or 3. */
  kernel: number;
  depthwise: boolean;
  poolType: number;
  /** Pool stride 1, 2 or 4. */
  poolStride: number;
}

export function layerGeometry(a: KpuLayerArgument): KpuLayerGeometry {
  const kernel = a.kernelType === 0 ? 1 : a.kernelType === 1 ? 3 : fail("bad-attribute", "KPU layer", `kernel_type ${a.kernelType} is not 0 (1×1) or 1 (3×3)`);
  const stride = poolStride(a.poolType) ?? fail("bad-attribute", "KPU layer", `pool_type ${a.poolType} is not one of 0..9 (§1.5)`);
  return {
    inChannels: a.iChNum + 1,
    outChannels: a.oChNum + 1,
    inWidth: a.iRowWid + 1,
    inHeight: a.iColHigh + 1,
    outWidth: a.oRowWid + 1,
    outHeight: a.oColHigh + 1,
    kernel,
    depthwise: a.depthWiseLayer === 1,
    poolType: a.poolType,
    poolStride: stride,
  };
}

/** Number of weights the layer reads: (dw ? OC : IC·OC)·k² (§1.6, §4.3). */
export function weightCount(g: KpuLayerGeometry): number {
  return (g.depthwise ? g.outChannels : g.inChannels * g.outChannels) * g.kernel * g.kernel;
}
