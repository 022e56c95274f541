/**
 * Kendryte K210 (K210-KPU.md §1.1): float C kernels on one RV64GC core at 400 MHz, and
 * convolutions that the KPU can take (backends/k210/legality.ts) on the KPU at 400 MHz. A float
 * Conv is CPU work; its `KpuConv2DCandidate` (rules/targets/k210.rules) is a KPU layer plus upload
 * and download, so extraction decides KPU vs CPU per layer; a `KpuFullyConnectedCandidate` likewise
 * against its Gemm/MatMul (kpuFcCycles below).
 *
 * KPU cycles [UNVERIFIED, §1.1 gives only marketing throughput]: the datapath is 576 bits wide,
 * i.e. 64 lanes of one 3×3 window (9 uint8 taps); per output pixel and output channel it needs
 * ceil(taps / 576) cycles, taps = k²·IC (depthwise k²); 1×1 kernels occupy 3×3 slots (MC's
 * compiler packs them that way, §1.6), so they cost like 3×3 ones. Per layer, the 12 register
 * writes, the BN/activation table loads and the calc_done interrupt cost ~2000 cycles, and the
 * weights stream at 8 bytes per cycle. Upload (CPU re-layout into KPU RAM, §1.7) and download plus
 * float quantise/dequantise at the layer's boundaries cost ~6 CPU cycles per element.
 * CPU coefficients: an in-order single-issue RV64GC with FPU; fmadd.s 4-5 cycles latency, loads 2.
 */
import type { Node, ValueInfo } from "../../src/ir/graph.js";
import { numel } from "../../src/ir/shape.js";
import { dilatedCost } from "./kpu-dilation.js";
import { kpuConvVerdict, type KpuConvGeometry } from "./legality.js";
import { KPU_CONV2D_CANDIDATE } from "./ops/kpu-conv2d-candidate.js";
import { KPU_FC_SIDE, kpuFcVerdict, type KpuFcShape } from "./fc-legality.js";
import { COPY_CYCLES_PER_BYTE, MOVE_CYCLES_PER_ELEMENT, QUANTISE_CYCLES_PER_ELEMENT, RELAYOUT_CYCLES_PER_BYTE } from "./cpu-move-cycles.js";
import { KPU_FC_CANDIDATE } from "./ops/kpu-fc-candidate.js";
import type { Coefficients } from "../../costmodels/coefficients.js";
import { tableCostModel } from "../../costmodels/table-model.js";
import type { CostModel, CostVector } from "../../costmodels/types.js";

export const K210_CPU_COEFFICIENTS: Coefficients = {
  cyclesPerMac: { conv: 7, matmul: 5, pool: 4, norm: 5, reduce: 4, softmax: 120, rnn: 7, resize: 10 },
  cyclesPerMacOutput: 3,
  cyclesPerElement: { cheap: 1, divide: 20, transcendental: 100 },
  cyclesPerElementwiseByte: 0.75,
  cyclesPerDataByte: 1,
  cyclesPerCall: 40,
  callSiteBytes: 8,
  callSiteBytesPerArg: 8,
  cyclesPerFusedElement: 4,
  fusedActivationBytes: 32,
};

export const KPU_LANE_TAPS = 576;
export const KPU_LAYER_SETUP_CYCLES = 2000;
export const KPU_WEIGHT_BYTES_PER_CYCLE = 8;
export const KPU_BOUNDARY_CYCLES_PER_ELEMENT = 6;

/** KPU cycles of one layer (without the CPU's upload/download). */
export function kpuLayerCycles(g: KpuConvGeometry): number {
  const taps = 9 * (g.depthwise ? 1 : g.inChannels);
  const weights = g.kernel * g.kernel * (g.depthwise ? g.outChannels : g.inChannels * g.outChannels);
  return KPU_LAYER_SETUP_CYCLES + g.inHeight * g.inWidth * g.outChannels * Math.ceil(taps / KPU_LANE_TAPS) + weights / KPU_WEIGHT_BYTES_PER_CYCLE;
}

/** CPU cycles of moving a layer's maps in and out of KPU RAM with float quantisation. */
export function kpuBoundaryCycles(g: KpuConvGeometry): number {
  return KPU_BOUNDARY_CYCLES_PER_ELEMENT * (g.inChannels * g.inHeight * g.inWidth + g.outChannels * g.outHeight * g.outWidth);
}

const cpu = tableCostModel("k210-kpu", K210_CPU_COEFFICIENTS, { cycles: 1, bytesMoved: 0.25, kernelCalls: 0, codeBytes: 0.05 });

function kpuCost(g: KpuConvGeometry): CostVector {
  return { cycles: kpuLayerCycles(g) + kpuBoundaryCycles(g), bytesMoved: g.inChannels * g.inHeight * g.inWidth * 4 + g.outChannels * g.outHeight * g.outWidth * 4, kernelCalls: 1, codeBytes: 16 };
}

/**
 * Cycles of a fully connected layer on the KPU (fc-expand.ts), node by node as latency.ts estimates
 * its kmodel: reshape (copy), pad to 4×4, quantise and upload the padded map, the 1×1 layer,
 * download and dequantise its 4×4 output map, crop pixel (0, 0), reshape. The 16 pixels per feature
 * on both sides are what a small FC cannot pay back (kws-cnn-k210's 1024 → 7 stays on the CPU).
 */
export function kpuFcCycles(fc: KpuFcShape): number {
  const inMap = fc.inFeatures * KPU_FC_SIDE * KPU_FC_SIDE;
  const outMap = fc.outFeatures * KPU_FC_SIDE * KPU_FC_SIDE;
  const reshapes = 4 * (fc.inFeatures + fc.outFeatures) * COPY_CYCLES_PER_BYTE;
  const padQuantiseUpload = inMap * (MOVE_CYCLES_PER_ELEMENT + QUANTISE_CYCLES_PER_ELEMENT + RELAYOUT_CYCLES_PER_BYTE);
  const downloadDequantiseCrop = outMap * (RELAYOUT_CYCLES_PER_BYTE + QUANTISE_CYCLES_PER_ELEMENT) + fc.outFeatures * MOVE_CYCLES_PER_ELEMENT;
  return reshapes + padQuantiseUpload + kpuLayerCycles(fc.geometry) + downloadDequantiseCrop;
}

/** Geometry of a lowered KpuConv2D node (its input/output types are float, layout in attrs). */
function loweredGeometry(node: Node, x: ValueInfo, y: ValueInfo): KpuConvGeometry {
  const nhwc = node.attrs["layout"] === "NHWC";
  const [c, h, w] = nhwc ? [x.shape[3]!, x.shape[1]!, x.shape[2]!] : [x.shape[1]!, x.shape[2]!, x.shape[3]!];
  const [oc, oh, ow] = nhwc ? [y.shape[3]!, y.shape[1]!, y.shape[2]!] : [y.shape[1]!, y.shape[2]!, y.shape[3]!];
  const taps = numel(x.shape) > 0 ? 3 : 1;
  return { layout: nhwc ? "NHWC" : "NCHW", inChannels: c, outChannels: oc, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, kernel: taps as 3, depthwise: false, poolType: 0 };
}

export const k210Kpu: CostModel = {
  name: "k210-kpu",
  weights: cpu.weights,
  nodeCost(node, inputs, outputs, ops) {
    // The candidate (rules/targets/k210.rules) is the KPU alternative of a Conv; the Conv itself
    // is always CPU work, so extraction compares the two per layer. A candidate that is not legal
    // (never built by the guarded rule) is priced as the CPU conv the lowering turns it back into.
    if (node.op === KPU_CONV2D_CANDIDATE) {
      const v = kpuConvVerdict({ ...node, op: "Conv" }, inputs[0], inputs[1], outputs[0]);
      if (!v.ok) return cpu.nodeCost({ ...node, op: "Conv" }, inputs, outputs, ops);
      const g = v.geometry;
      return g.dilation === undefined ? kpuCost(g) : dilatedCost(kpuCost(g), g.dilation, g.inChannels, g.outChannels);
    }
    // An FC candidate is its 1×1 layer on the 4×4 padded map with the CPU nodes around it (fc-legality.ts).
    if (node.op === KPU_FC_CANDIDATE) {
      const v = kpuFcVerdict({ op: "Gemm", attrs: node.attrs }, inputs[0], inputs[1], outputs[0]);
      if (!v.ok) return cpu.nodeCost({ ...node, op: "Gemm" }, inputs, outputs, ops);
      return { ...kpuCost(v.fc.geometry), cycles: kpuFcCycles(v.fc) };
    }
    if (node.op === "KpuConv2D" && inputs[0] !== undefined && outputs[0] !== undefined) return kpuCost(loweredGeometry(node, inputs[0], outputs[0]));
    return cpu.nodeCost(node, inputs, outputs, ops);
  },
};
