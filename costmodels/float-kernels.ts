import type { Node, ValueInfo } from "../src/ir/graph.js";
import type { OpRegistry } from "../src/ir/registry.js";
import { numel } from "../src/ir/shape.js";
import { bandRowLength, conv2dGeometry, type Conv2dGeometry } from "../src/ir/ops/conv2d-geometry.js";
import { isDirect } from "../src/ir/ops/conv-gemm.js";
import { isDirectNhwc } from "../src/ir/ops/conv-gemm-nhwc.js";
import { depthwisePlaneRows } from "../src/ir/ops/conv-depthwise.js";
import { winogradGeometry, winogradTilesPerRow } from "../src/ir/ops/conv-winograd.js";
import type { Coefficients } from "./coefficients.js";
import type { CostModel, CostVector } from "./types.js";

/**
 * Prices of the blocked float32 kernels (runtime-c/kernels/tile_f32.c and its users), which
 * rules/targets/float-kernels.rules offers next to the generic Conv/Gemm/MatMul. The table model
 * prices a MAC op as macs x cyclesPerMac[family]; for these ops the MAC term is replaced by the
 * kernel's own work below, everything else (call, outputs, fused activation, traffic) is kept.
 */
export interface FloatKernelPrices {
  /** Cycles per MAC of the register tiles (4 x EG_F32_TILE_COLS accumulators). */
  readonly tilePerMac: number;
  /** Cycles per float copied into a band (zero padding included). */
  readonly copyPerElement: number;
  /** Cycles per output of a tile: the k loop's setup and the stores, paid once per tile column. */
  readonly tilePerOutput: number;
  /** Cycles per MAC of the depthwise row tiles (4 rows x EG_F32_TILE_COLS, one broadcast weight per tap). */
  readonly depthwisePerMac: number;
  /** Cycles per element of Winograd's transforms (V per input channel, M per output channel, per tile). */
  readonly transformPerElement: number;
  /**
   * Extra cycles per Winograd-domain output (16 per tile and output channel): the store of the
   * 16 short GEMMs' tiles and the inverse transform's reads of them, which dominate when C is small.
   */
  readonly winogradPerOutput: number;
}

/** Floats the kernel copies per inference: every band row of every output row, per image. */
function bandFloats(g: Conv2dGeometry): number {
  return isDirect(g) ? 0 : g.n * g.oh * g.c * g.kh * g.sw * bandRowLength(g);
}

function macsOf(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): number {
  try {
    return ops.get(node.op)?.macs?.(node, inputs, outputs) ?? 0;
  } catch {
    return 0;
  }
}

/** The blocked kernel's work in cycles, or undefined for an op these prices do not cover. */
export function floatKernelWork(prices: FloatKernelPrices, node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): number | undefined {
  if (node.op === "MatMulPacked") {
    const out = outputs.reduce((s, o) => s + numel(o.shape), 0);
    return macsOf(node, inputs, outputs, ops) * prices.tilePerMac + out * prices.tilePerOutput;
  }
  if (node.op === "Conv2DWinograd") return winogradWork(prices, node, inputs);
  if (node.op === "Conv2DGemmNHWC") return nhwcGemmWork(prices, node, inputs, outputs, ops);
  if (node.op !== "Conv2DGemm" && node.op !== "Conv2DDepthwise") return undefined;
  let g: Conv2dGeometry;
  try {
    g = conv2dGeometry(node, inputs);
  } catch {
    return undefined;
  }
  const macs = macsOf(node, inputs, outputs, ops);
  const out = outputs.reduce((s, o) => s + numel(o.shape), 0);
  if (node.op === "Conv2DGemm") return macs * prices.tilePerMac + bandFloats(g) * prices.copyPerElement + out * prices.tilePerOutput;
  const planes = g.n * g.c * depthwisePlaneRows(g) * g.sw * bandRowLength(g);
  return macs * prices.depthwisePerMac + planes * prices.copyPerElement + out * prices.tilePerOutput;
}

/**
 * The NHWC implicit GEMM: the tiles' MACs and stores, and the patch gather (K floats per output
 * pixel, K = KH KW C) unless the convolution is 1x1 with stride 1 and no padding (the input is
 * the GEMM's operand as it is).
 */
function nhwcGemmWork(prices: FloatKernelPrices, node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[], ops: OpRegistry): number | undefined {
  let g: Conv2dGeometry;
  try {
    g = conv2dGeometry(node, inputs, "NHWC");
  } catch {
    return undefined;
  }
  const pixels = g.n * g.oh * g.ow;
  const gathered = isDirectNhwc(g) ? 0 : pixels * g.kh * g.kw * g.c;
  const out = outputs.reduce((s, o) => s + numel(o.shape), 0);
  return macsOf(node, inputs, outputs, ops) * prices.tilePerMac + gathered * prices.copyPerElement + out * prices.tilePerOutput;
}

/**
 * Winograd F(2x2, 3x3) per tile row (2 output rows): the band copy (8 C (T + 2) floats), the 16
 * GEMMs (16 C M MACs per tile; T tiles, ceil(OW / 2) rounded up to 4), the transforms
 * (16 (C + M) elements per tile) and the GEMMs' 16 M outputs per tile.
 */
function winogradWork(prices: FloatKernelPrices, node: Node, inputs: readonly (ValueInfo | undefined)[]): number | undefined {
  let g: Conv2dGeometry;
  try {
    g = winogradGeometry(node, inputs);
  } catch {
    return undefined;
  }
  const t = winogradTilesPerRow(g);
  const bands = g.n * Math.ceil(g.oh / 2);
  const perTile = 16 * g.c * g.m * prices.tilePerMac + 16 * (g.c + g.m) * prices.transformPerElement + 16 * g.m * prices.winogradPerOutput;
  return bands * (8 * g.c * (t + 2) * prices.copyPerElement + t * perTile);
}

/**
 * `model` with the blocked float kernels priced by `prices`: their cycles are the table's minus
 * its generic MAC term (macs x cyclesPerMac of the op's family), plus the kernel's own work.
 */
export function withFloatKernelPrices(model: CostModel, table: Coefficients, prices: FloatKernelPrices): CostModel {
  return {
    name: model.name,
    weights: model.weights,
    nodeCost(node, inputs, outputs, ops): CostVector {
      const base = model.nodeCost(node, inputs, outputs, ops);
      if (inputs.every((i) => i === undefined)) return base; // a folded constant
      const work = floatKernelWork(prices, node, inputs, outputs, ops);
      if (work === undefined) return base;
      const family = ops.get(node.op)?.family;
      const generic = family === "conv" || family === "matmul" ? macsOf(node, inputs, outputs, ops) * table.cyclesPerMac[family] : 0;
      return { ...base, cycles: (base["cycles"] ?? 0) - generic + work };
    },
  };
}
