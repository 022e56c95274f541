/**
 * Which float IR convolutions the K210 KPU can run (K210-KPU.md §1.4, §1.5, §1.6, §5.1), and why
 * not when it cannot. A KPU layer is one fused chain: conv (1×1/3×3, normal or depthwise, implicit
 * symmetric padding, stride 1) → per-channel affine (bias, folded BatchNormalization, requantisation)
 * → 16-segment piecewise-linear activation → optional pool/down-sample.
 *
 * The e-graph optimizer already folds BatchNormalization into Conv weights and fuses the activation
 * into the Conv (`activation` attribute), so the candidates here are single Conv nodes.
 */
import { attrInts, attrString, hasAttr } from "../../src/ir/attrs.js";
import type { Node, ValueInfo } from "../../src/ir/graph.js";
import { readFusedActivation } from "../../src/ir/ops/fused-activation.js";
import { fieldRange, KPU_LAYER_FIELDS, KpuPoolType, type KpuLayerArgument, type KpuLayerField } from "./kpu-layer.js";
import { dilatedPhases, type KpuDilation } from "./kpu-dilation.js";
import { channelSwitchLines, KPU_RAM_BYTES, mapBytes, rowLayout } from "./kpu-ram.js";

/** §1.4: channel counts are 10-bit "minus one" fields and nncase enforces C ≤ 1024. */
export const KPU_MAX_CHANNELS = 1024;
/** §1.4: nncase v0.2 `kpu_utils.h` enforces 4 ≤ W ≤ 512 and 4 ≤ H ≤ 256 on the input map. */
export const KPU_MIN_SIDE = 4;
export const KPU_MAX_WIDTH = 512;
export const KPU_MAX_HEIGHT = 256;
/** §1.6: nncase's weight chunk limit for 8-bit weights (30 KiB). */
export const KPU_WEIGHT_CHUNK_BYTES = 30 * 1024;
/** §1.4: `load_time` is 6 bits, so at most 64 chunks. */
export const KPU_MAX_WEIGHT_CHUNKS = 64;

/** Activations that the 16-segment table (§2.2, §3.3) represents exactly: piecewise linear, ≤ 3 pieces. */
export const KPU_ACTIVATIONS = ["Relu", "Relu6", "Clip", "LeakyRelu"] as const;

/** Geometry of a conv on the KPU, channels-first (the KPU's own view). */
export interface KpuConvGeometry {
  readonly layout: "NCHW" | "NHWC";
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  /** The KPU layer's output map (after its pool / down-sample, before any CPU subsampling). */
  readonly outHeight: number;
  readonly outWidth: number;
  readonly kernel: 1 | 3;
  readonly depthwise: boolean;
  /** §1.5 pool type (0 bypass, 5 left-top 2×2 s2 for stride-2 convs). */
  readonly poolType: number;
  /** A stride-2 conv the KPU runs at stride 1, subsampled on the CPU afterwards (nncase §5.3 step 6). */
  readonly subsample?: KpuSubsample;
  /** A dilated conv run as d² phase layers of this geometry (space-to-batch, kpu-dilation.ts). */
  readonly dilation?: KpuDilation;
}

/**
 * CPU subsampling of a KPU output map: output (i, j) = KPU output (offsetY + stride·i, offsetX + stride·j),
 * for i < outHeight, j < outWidth. With the KPU's symmetric padding p, stride-1 output r reads input rows
 * r − p … r + p; a stride-2 conv with top padding t reads rows 2i − t … 2i − t + k − 1, the same rows
 * for r = 2i + (p − t). Rows outside the map are zero in both (KPU pad value = input zero point).
 */
export interface KpuSubsample {
  readonly stride: 2;
  readonly offsetY: number;
  readonly offsetX: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

export type KpuVerdict = { readonly ok: true; readonly geometry: KpuConvGeometry } | { readonly ok: false; readonly reason: string };

const no = (reason: string): KpuVerdict => ({ ok: false, reason });

/** Weight chunking of §1.6 (nncase rule): per_load output channels per chunk, chunk count. */
export function weightChunks(kernel: number, inChannels: number, outChannels: number, depthwise: boolean): { perLoad: number; chunks: number; paraSize: number } {
  if (depthwise) return { perLoad: outChannels, chunks: 1, paraSize: kernel * kernel * outChannels };
  const oneChannel = kernel * kernel * inChannels;
  const perLoad = Math.min(outChannels, Math.floor(KPU_WEIGHT_CHUNK_BYTES / oneChannel));
  if (perLoad < 1) return { perLoad: 0, chunks: Infinity, paraSize: 0 };
  return { perLoad, chunks: Math.ceil(outChannels / perLoad), paraSize: oneChannel * perLoad };
}

/** Zero points of a layer's uint8 input map and weights: what its quantisation-dependent registers hold. */
export interface KpuZeroPoints {
  readonly input: number;
  readonly weights: number;
}

/**
 * The register fields (§2.1, raw values: "−1" fields minus one) that a layer of geometry `g`
 * with zero points `zp` writes: everything `quantizeKpuConv` encodes except the map addresses
 * (placed by the caller) and the parameter addresses (patched when the file or C is written).
 * Legality checks every one against its field width, so an accepted layer always encodes.
 */
export function layerRegisterFields(g: KpuConvGeometry, zp: KpuZeroPoints): Partial<KpuLayerArgument> {
  const chunks = weightChunks(g.kernel, g.inChannels, g.outChannels, g.depthwise);
  const inRow = rowLayout(g.inWidth);
  const outRow = rowLayout(g.outWidth);
  return {
    depthWiseLayer: g.depthwise ? 1 : 0,
    iChNum: g.inChannels - 1,
    oChNum: g.outChannels - 1,
    oChNumCoef: chunks.perLoad - 1,
    iRowWid: g.inWidth - 1,
    iColHigh: g.inHeight - 1,
    oRowWid: g.outWidth - 1,
    oColHigh: g.outHeight - 1,
    kernelType: g.kernel === 3 ? 1 : 0,
    poolType: g.poolType,
    loadPara: 1,
    dmaBurstSize: 15,
    padValue: zp.input,
    loadCoor: 1,
    loadTime: chunks.chunks - 1,
    paraSize: chunks.paraSize,
    channelSwitchAddr: channelSwitchLines(g.inWidth, g.inHeight),
    rowSwitchAddr: inRow.linesPerRow,
    coefGroup: inRow.groups,
    loadAct: 1,
    wbChannelSwitchAddr: channelSwitchLines(g.outWidth, g.outHeight),
    wbRowSwitchAddr: outRow.linesPerRow,
    wbGroup: outRow.groups,
    // §3.6 v0.2 conv registers: acc = Σ(x − zp_x)(w − zp_w).
    argX: -zp.weights,
    argW: -zp.input,
    argAdd: g.kernel * g.kernel * zp.weights * zp.input,
    channelByteNum: g.outWidth * g.outHeight - 1,
    dmaTotalByte: g.outWidth * g.outHeight * g.outChannels - 1,
  };
}

/** The extreme uint8 zero points: every quantisation-dependent field is monotonic in them. */
const EXTREME_ZERO_POINTS: readonly KpuZeroPoints[] = [
  { input: 0, weights: 0 },
  { input: 255, weights: 255 },
];

/** Why a layer of geometry `g` cannot be encoded (a field out of its §2.1 range), or undefined. */
export function unencodableField(g: KpuConvGeometry): string | undefined {
  for (const zp of EXTREME_ZERO_POINTS) {
    const fields = layerRegisterFields(g, zp);
    for (const [name, value] of Object.entries(fields) as Array<[KpuLayerField, number]>) {
      const placement = KPU_LAYER_FIELDS[name];
      const { min, max } = fieldRange(placement);
      if (!Number.isInteger(value) || value < min || value > max) {
        return `KPU register field ${name} would hold ${value}, outside its ${placement.width}-bit range ${min}..${max} (§2.1)`;
      }
    }
  }
  return undefined;
}

/** KPU RAM bytes the layer's input and output maps take together in the §1.3 layout. */
export function layerRamBytes(g: KpuConvGeometry): number {
  return mapBytes(g.inWidth, g.inHeight, g.inChannels) + mapBytes(g.outWidth, g.outHeight, g.outChannels);
}

/**
 * Decides whether a Conv node runs on the KPU. `x`, `w` are the input and weight types, `y` the
 * output type. A rejected conv stays a float CPU op; the reason is reported by the target.
 */
export function kpuConvVerdict(node: Node, x: ValueInfo | undefined, w: ValueInfo | undefined, y: ValueInfo | undefined): KpuVerdict {
  if (node.op !== "Conv") return no(`${node.op} is not a convolution`);
  if (x === undefined || w === undefined || y === undefined) return no("input, weight or output type unknown");
  if (x.dtype !== "float32" || w.dtype !== "float32") return no(`float32 conv expected, got ${x.dtype}`);
  if (x.shape.length !== 4) return no("only 2-D convolutions map to the KPU");
  const layout = hasAttr(node, "layout") ? attrString(node, "layout") : "NCHW";
  if (layout !== "NCHW" && layout !== "NHWC") return no(`layout ${layout}`);
  const nhwc = layout === "NHWC";
  const [n, c, h, wd] = nhwc ? [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!] : [x.shape[0]!, x.shape[1]!, x.shape[2]!, x.shape[3]!];
  const oc = nhwc ? y.shape[3]! : y.shape[1]!;
  const [oh, ow] = nhwc ? [y.shape[1]!, y.shape[2]!] : [y.shape[2]!, y.shape[3]!];
  const [kh, kw] = nhwc ? [w.shape[1]!, w.shape[2]!] : [w.shape[2]!, w.shape[3]!];
  if (n !== 1) return no(`batch ${n}: the KPU layer runs one map (batches come from space-to-batch only, §5.3)`);
  // §1.4 Kernel: square 1×1 or 3×3 only.
  if (kh !== kw || (kh !== 1 && kh !== 3)) return no(`kernel ${kh}×${kw}: the KPU has 1×1 and 3×3 kernels only (§1.4)`);
  const kernel = kh as 1 | 3;
  // §1.4: no dilation on the KPU; a dilated 3×3 conv runs as d² undilated phase layers (§5.3 item 2).
  const phases = dilatedPhases(node, x, w, y);
  if (typeof phases === "string") return no(phases);
  if (phases !== undefined) {
    const v = kpuConvVerdict(phases.phaseConv, phases.phaseInput, w, phases.phaseOutput);
    const d = phases.dilation.factor;
    return v.ok ? { ok: true, geometry: { ...v.geometry, dilation: phases.dilation } } : no(`dilation ${d}, as ${d * d} phase layers of ${phases.phaseInput.shape[3]}×${phases.phaseInput.shape[2]}: ${v.reason}`);
  }
  const group = attrInts(node, "group", [1])[0] ?? 1;
  const depthwise = group !== 1;
  if (depthwise && !(group === c && oc === c)) return no(`grouped conv (group ${group}, ${c}→${oc} channels): only group 1 or depthwise with IC = OC (§1.4)`);
  // §1.4 Padding: fixed and symmetric, 1 for 3×3 and 0 for 1×1.
  const pad = (kernel - 1) / 2;
  const pads = attrInts(node, "pads", [0, 0, 0, 0]);
  const symmetric = pads.every((p) => p === pad);
  // §1.4 Conv stride: none. Stride 2 is a stride-1 conv followed by "select" pool type 5 (§1.5, §5.2)
  // for normal convs with the KPU's padding on even maps; otherwise (depthwise, which nncase never
  // pools, §1.4; TF-SAME asymmetric padding; odd maps) a stride-1 KPU layer whose output the CPU
  // subsamples (nncase v0.2 §5.3 step 6: "full-resolution KPU conv + CPU strided slice").
  const strides = attrInts(node, "strides", [1, 1]);
  let poolType: number = KpuPoolType.bypass;
  let subsample: KpuSubsample | undefined;
  if (strides[0] === 2 && strides[1] === 2) {
    if (!depthwise && symmetric && h % 2 === 0 && wd % 2 === 0) {
      poolType = KpuPoolType.leftTop2s2;
    } else {
      if (pads.some((p) => p > pad)) return no(`pads [${pads.join(",")}]: the KPU pads at most ${pad} on a side for a ${kernel}×${kernel} kernel (§1.4)`);
      const offsetY = pad - pads[0]!, offsetX = pad - pads[1]!;
      // The last sampled KPU row/column must lie inside the stride-1 output (H×W).
      if (offsetY + 2 * (oh - 1) > h - 1 || offsetX + 2 * (ow - 1) > wd - 1) return no(`stride 2 output ${ow}×${oh} samples beyond the ${wd}×${h} stride-1 map`);
      subsample = { stride: 2, offsetY, offsetX, outHeight: oh, outWidth: ow };
    }
  } else if (strides[0] !== 1 || strides[1] !== 1) {
    return no(`strides [${strides.join(",")}]: the KPU runs stride 1, or 2 through pool type 5 or CPU subsampling (§1.4)`);
  } else if (!symmetric) {
    return no(`pads [${pads.join(",")}]: the KPU pads ${pad} on every side for a ${kernel}×${kernel} kernel (§1.4)`);
  }
  // §1.4 channel and map-size limits.
  if (c > KPU_MAX_CHANNELS || oc > KPU_MAX_CHANNELS) return no(`${c}→${oc} channels: the KPU takes at most ${KPU_MAX_CHANNELS} (§1.4)`);
  if (wd < KPU_MIN_SIDE || wd > KPU_MAX_WIDTH) return no(`input width ${wd}: the KPU takes ${KPU_MIN_SIDE}..${KPU_MAX_WIDTH} (§1.4)`);
  if (h < KPU_MIN_SIDE || h > KPU_MAX_HEIGHT) return no(`input height ${h}: the KPU takes ${KPU_MIN_SIDE}..${KPU_MAX_HEIGHT} (§1.4)`);
  // §1.5/§1.4 Output size of the KPU layer itself: floor(in / pool stride).
  const stride = poolType === KpuPoolType.bypass ? 1 : 2;
  const [kpuOh, kpuOw] = subsample === undefined ? [oh, ow] : [h, wd];
  if (kpuOh < KPU_MIN_SIDE || kpuOw < KPU_MIN_SIDE) return no(`output ${kpuOw}×${kpuOh}: the KPU produces maps of at least 4×4 (§1.4, §6.5)`);
  if (kpuOh !== Math.floor(h / stride) || kpuOw !== Math.floor(wd / stride)) return no(`output ${kpuOw}×${kpuOh} is not the KPU's floor(${wd}/${stride})×floor(${h}/${stride})`);
  // §1.4 Weight chunking: at most 64 chunks of ≤ 30 KiB, each holding whole output channels.
  const chunks = weightChunks(kernel, c, oc, depthwise);
  if (chunks.chunks > KPU_MAX_WEIGHT_CHUNKS) {
    return no(`weights of ${kernel}×${kernel}×${c} per output channel need ${chunks.chunks === Infinity ? "more than 30 KiB per channel" : `${chunks.chunks} chunks`}; the KPU loads at most ${KPU_MAX_WEIGHT_CHUNKS} chunks of 30 KiB (§1.4, §1.6)`);
  }
  // §2.2/§3.3: the activation must be a piecewise-linear function of ≤ 15 segments.
  const act = readFusedActivation(node);
  if (act !== undefined && !(KPU_ACTIVATIONS as readonly string[]).includes(act.kind)) return no(`fused ${act.kind} is not piecewise linear (the 16-segment table of §2.2 runs ${KPU_ACTIVATIONS.join(", ")})`);
  if (act?.kind === "LeakyRelu" && act.alpha < 0) return no("LeakyRelu with a negative slope");
  const geometry: KpuConvGeometry = {
    layout, inChannels: c, outChannels: oc, inHeight: h, inWidth: wd, outHeight: kpuOh, outWidth: kpuOw, kernel, depthwise, poolType,
    ...(subsample === undefined ? {} : { subsample }),
  };
  // §6.2: input and output maps of one layer must fit the 2 MiB KPU RAM together.
  const ram = layerRamBytes(geometry);
  if (ram > KPU_RAM_BYTES) return no(`input + output maps need ${ram} bytes of KPU RAM, more than its ${KPU_RAM_BYTES} (§1.3, §6.2)`);
  // §1.4/§2.1: every register field must hold its value, e.g. channel_byte_num (16 bits) = OW·OH − 1,
  // which the W ≤ 512, H ≤ 256 limits above do not bound. The map addresses are bounded by the RAM check.
  const unencodable = unencodableField(geometry);
  if (unencodable !== undefined) return no(unencodable);
  return { ok: true, geometry };
}
