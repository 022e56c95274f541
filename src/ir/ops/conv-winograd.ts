import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { Conv } from "./conv.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { conv2dGeometry, packRowBlocks, type Conv2dGeometry } from "./conv2d-geometry.js";
import { applyFusedActivation, emitFusedActivation } from "./fused-activation.js";
import { nodeInfos, requireF32, tensorInfos } from "./nn-common.js";
import { useTileRuntime } from "./tile-runtime.js";

/**
 * Conv2DWinograd: a 3x3, stride 1, undilated, ungrouped 2-D NCHW Conv by Winograd's F(2x2, 3x3)
 * (runtime-c/kernels/winograd_f32.c): 16 multiplications per 2x2 output tile and input channel
 * instead of 36, as 16 GEMMs on the register tiles. Its weight is U = G g G^T from
 * PackWinogradWeights, shape [16, M, C] (element xi = 4i + j of U for output channel m and input
 * channel c; each [M, C] matrix in the row blocks of conv2d-geometry.ts packRowBlocks).
 *
 * Accuracy: the transforms only add, subtract and halve, so rounding stays at the level of a
 * direct sum: every output is within 8 float32 epsilons of sum |w x| of its taps (measured worst
 * 3.4, test/ops/float-kernels.test.ts checks the bound on random layers). rules/targets/float-kernels.rules
 * offers it for every 3x3 Conv; the cost model takes it where the GEMMs' saving outweighs the
 * transforms (many channels, wide rows).
 */

/** Rows of G (4 x 3): U = G g G^T. */
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
] as const;
/** B^T (4 x 4): V = B^T d B. */
const BT = [
  [1, 0, -1, 0],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, 1, 0, -1],
] as const;
/** A^T (2 x 4): Y = A^T M A. */
const AT = [
  [1, 1, 1, 0],
  [0, 1, -1, -1],
] as const;

/** Tiles per tile row as the kernel lays them out: ceil(OW / 2) rounded up to a multiple of 4. */
export function winogradTilesPerRow(g: Pick<Conv2dGeometry, "ow">): number {
  return Math.ceil(Math.ceil(g.ow / 2) / 4) * 4;
}

/**
 * Floats of V and M (16 (C + M) per GEMM column) a band may hold: 192 KiB, so that narrow layers
 * still give the GEMMs long rows (several tile rows side by side) while the buffers stay in L2.
 */
const BAND_BUDGET_FLOATS = 48 * 1024;

/** Tile rows per band: as many as the budget allows, at least 1, at most the output's. */
export function winogradRowsPerBand(g: Conv2dGeometry): number {
  const fit = Math.floor(BAND_BUDGET_FLOATS / (16 * (g.c + g.m) * winogradTilesPerRow(g)));
  return Math.max(1, Math.min(fit, Math.ceil(g.oh / 2)));
}

export function winogradScratchFloats(g: Conv2dGeometry): number {
  const tw = winogradTilesPerRow(g);
  return 8 * g.c * (tw + 2) + 16 * (g.c + g.m) * winogradRowsPerBand(g) * tw + 64 * g.c + g.c;
}

function weightInfo(node: Node, w: ValueInfo | undefined): ValueInfo {
  const info = requireF32(node, w, "weight");
  if (info.shape.length !== 4 || info.shape[2] !== 3 || info.shape[3] !== 3) {
    fail("bad-shape", nodeLabel(node), `${node.op} transforms 3x3 convolution weights [M, C, 3, 3], got ${shapeToString(info.shape)}`);
  }
  return info;
}

/** U = G g G^T for every (m, c), packed; float64 arithmetic, stored as float32. */
function transformWeights(w: Float64Array, m: number, c: number): Float64Array {
  const u = new Float64Array(16 * m * c);
  const plain = new Float64Array(m * c);
  for (let xi = 0; xi < 16; xi++) {
    const [i, j] = [Math.floor(xi / 4), xi % 4];
    for (let o = 0; o < m; o++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += G[i]![a]! * w[(o * c + k) * 9 + a * 3 + b]! * G[j]![b]!;
        plain[o * c + k] = s;
      }
    }
    u.set(packRowBlocks(plain, m, c), xi * m * c);
  }
  return u;
}

const PackWinogradWeights: OpDef = {
  name: "PackWinogradWeights",
  family: "conv",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [w]) {
    const info = weightInfo(node, w);
    return [{ dtype: "float32", shape: [16, info.shape[0]!, info.shape[1]!] }];
  },
  evaluate(node, [w]) {
    const info = weightInfo(node, w);
    const [m, c] = info.shape as [number, number];
    return [Tensor.fromNumbers("float32", [16, m, c], transformWeights(w!.toNumbers(), m, c))];
  },
  emitC(node, ctx) {
    const info = weightInfo(node, ctx.info(node.inputs[0]!));
    useTileRuntime(ctx, "winograd_f32");
    ctx.line(`eg_pack_winograd_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${info.shape[0]}, ${info.shape[1]});`);
  },
};

/** The inputs as Conv sees them: U [16, M, C] stands for a weight [M, C, 3, 3]. */
function convView(node: Node, inputs: readonly (ValueInfo | undefined)[]): (ValueInfo | undefined)[] {
  const [x, u, b] = inputs;
  const ui = requireF32(node, u, "transformed weight");
  if (ui.shape.length !== 3 || ui.shape[0] !== 16) fail("bad-shape", nodeLabel(node), `${node.op} takes a transformed weight [16, M, C], got ${shapeToString(ui.shape)}`);
  return [x, { dtype: "float32", shape: [ui.shape[1]!, ui.shape[2]!, 3, 3] }, b];
}

export function winogradGeometry(node: Node, inputs: readonly (ValueInfo | undefined)[]): Conv2dGeometry {
  const g = conv2dGeometry(node, convView(node, inputs));
  const why =
    g.group !== 1 ? `group ${g.group}` : g.sh !== 1 || g.sw !== 1 ? `strides [${g.sh}, ${g.sw}]` : g.dh !== 1 || g.dw !== 1 ? `dilations [${g.dh}, ${g.dw}]` : g.kh !== 3 || g.kw !== 3 ? `a ${g.kh}x${g.kw} kernel` : undefined;
  if (why !== undefined) fail("bad-attribute", nodeLabel(node), `${node.op} needs an ungrouped 3x3 convolution with stride 1 and no dilation, got ${why}; use Conv for this layer`);
  return g;
}

/** The F(2x2, 3x3) algorithm in float64: what the kernel computes, up to float32 rounding. */
function winogradReference(g: Conv2dGeometry, x: Float64Array, u: Float64Array, bias: Float64Array | undefined): Float64Array {
  const plainU = new Float64Array(u.length);
  for (let xi = 0; xi < 16; xi++) plainU.set(packRowBlocks(u.subarray(xi * g.m * g.c, (xi + 1) * g.m * g.c), g.m, g.c, true), xi * g.m * g.c);
  const y = new Float64Array(g.n * g.m * g.oh * g.ow);
  const v = new Float64Array(16 * g.c);
  for (let n = 0; n < g.n; n++) {
    for (let ty = 0; 2 * ty < g.oh; ty++) {
      for (let tx = 0; 2 * tx < g.ow; tx++) {
        for (let c = 0; c < g.c; c++) {
          const d = (r: number, q: number): number => {
            const ih = 2 * ty - g.pt + r;
            const iw = 2 * tx - g.pl + q;
            return ih >= 0 && ih < g.ih && iw >= 0 && iw < g.iw ? x[((n * g.c + c) * g.ih + ih) * g.iw + iw]! : 0;
          };
          for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
            let s = 0;
            for (let r = 0; r < 4; r++) for (let q = 0; q < 4; q++) s += BT[i]![r]! * d(r, q) * BT[j]![q]!;
            v[(4 * i + j) * g.c + c] = s;
          }
        }
        for (let m = 0; m < g.m; m++) {
          const prod = new Float64Array(16);
          for (let xi = 0; xi < 16; xi++) for (let c = 0; c < g.c; c++) prod[xi]! += plainU[(xi * g.m + m) * g.c + c]! * v[xi * g.c + c]!;
          for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
            const oh = 2 * ty + a;
            const ow = 2 * tx + b;
            if (oh >= g.oh || ow >= g.ow) continue;
            let s = bias ? bias[m]! : 0;
            for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += AT[a]![i]! * prod[4 * i + j]! * AT[b]![j]!;
            y[((n * g.m + m) * g.oh + oh) * g.ow + ow] = s;
          }
        }
      }
    }
  }
  return y;
}

const Conv2DWinograd: OpDef = {
  name: "Conv2DWinograd",
  family: "conv",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    winogradGeometry(node, inputs);
    return Conv.infer(node, convView(node, inputs));
  },
  evaluate(node, inputs) {
    const g = winogradGeometry(node, tensorInfos(inputs));
    const [x, u, b] = inputs;
    const y = winogradReference(g, x!.toNumbers(), u!.toNumbers(), b?.toNumbers());
    return [Tensor.fromNumbers("float32", [g.n, g.m, g.oh, g.ow], applyFusedActivation(node, y))];
  },
  scratchBytes: (node, inputs) => 4 * winogradScratchFloats(winogradGeometry(node, inputs)),
  emitC(node, ctx) {
    const g = winogradGeometry(node, nodeInfos(node, ctx));
    const params = ctx.constArray("int32_t", [g.n, g.c, g.ih, g.iw, g.m, g.oh, g.ow, g.pt, g.pl, winogradTilesPerRow(g), winogradRowsPerBand(g)]);
    useTileRuntime(ctx, "winograd_f32");
    const [x, u, b] = node.inputs;
    ctx.line(`eg_conv2d_winograd_f32(${ctx.ptr(x!)}, ${ctx.ptr(u!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${ctx.scratch()});`);
    emitFusedActivation(node, ctx, g.n * g.m * g.oh * g.ow);
  },
  macs: (node, inputs, outputs) => Conv.macs!(node, convView(node, inputs), outputs),
};

/** The ops of this file, for the core op list (index.ts). */
export const CONV_WINOGRAD_OPS: readonly OpDef[] = [PackWinogradWeights, Conv2DWinograd];
