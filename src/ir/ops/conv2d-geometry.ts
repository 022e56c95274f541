import { fail } from "../../errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import { planLaidOutConv } from "./conv.js";

/**
 * Geometry of a 2-D NCHW convolution as the blocked float kernels take it (runtime-c/kernels/
 * conv_gemm_f32.c, depthwise_f32.c, winograd_f32.c): one shared reading of the Conv attributes
 * (Conv's own planner), so every variant agrees with Conv on shapes, padding and auto_pad.
 */
export interface Conv2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly ih: number;
  readonly iw: number;
  readonly m: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  /** Top and left padding (the bottom and right ones are implicit: zeros past the input). */
  readonly pt: number;
  readonly pl: number;
  readonly group: number;
}

/**
 * The widest tile any build uses (EG_F32_TILE_COLS, runtime-c/kernels/tile_f32.h): buffers are
 * sized for it so that one output directory serves every target.
 */
export const MAX_TILE_COLS = 8;

/**
 * A Conv-like node's 2-D geometry in `want` layout (NCHW unless the op is a channels-last kernel),
 * in channels-first terms either way (errors name the node and its op, and point to Conv).
 */
export function conv2dGeometry(node: Node, inputs: readonly (ValueInfo | undefined)[], want: "NCHW" | "NHWC" = "NCHW"): Conv2dGeometry {
  const x = inputs[0];
  if (x !== undefined && x.shape.length !== 4) {
    const dims = want === "NCHW" ? "[N, C, H, W]" : "[N, H, W, C]";
    fail("bad-shape", nodeLabel(node), `${node.op} takes 2-D convolutions (input ${dims}), got an input of rank ${x.shape.length}; use Conv for this layer`);
  }
  const { plan, layout } = planLaidOutConv(node, inputs);
  if (layout !== want) fail("bad-attribute", nodeLabel(node), `${node.op} takes ${want} convolutions only; use Conv for this layer`);
  const w = plan.win;
  return {
    n: plan.batch,
    c: plan.inChannels,
    ih: w.input[1]!,
    iw: w.input[2]!,
    m: plan.outChannels,
    oh: w.output[1]!,
    ow: w.output[2]!,
    kh: w.kernel[1]!,
    kw: w.kernel[2]!,
    sh: w.stride[1]!,
    sw: w.stride[2]!,
    dh: w.dilation[1]!,
    dw: w.dilation[2]!,
    pt: w.padBegin[1]!,
    pl: w.padBegin[2]!,
    group: plan.group,
  };
}

/**
 * Floats per phase row of an input band: every tile of MAX_TILE_COLS output pixels, the last one
 * shifted to end at the row's end (or the only one, of a row narrower than a tile), reads
 * inside the row: max(OW, MAX_TILE_COLS) + (KW - 1) * DW / SW columns.
 */
export function bandRowLength(g: Conv2dGeometry): number {
  return Math.max(g.ow, MAX_TILE_COLS) + Math.floor(((g.kw - 1) * g.dw) / g.sw);
}

/**
 * The weight layout of the blocked kernels (eg_pack_conv2d_f32): the rows of a [rows][cols]
 * matrix in blocks of 4, each block's columns interleaved (row 4b + i, column k at 4b*cols +
 * 4k + i); a last block of rows % 4 rows is interleaved with its own width. `unpack` inverts it.
 */
export function packRowBlocks(values: Float64Array, rows: number, cols: number, unpack = false): Float64Array {
  const out = new Float64Array(values.length);
  for (let b = 0; b < rows; b += 4) {
    const width = Math.min(4, rows - b);
    for (let i = 0; i < width; i++) {
      for (let k = 0; k < cols; k++) {
        const plain = (b + i) * cols + k;
        const packed = b * cols + k * width + i;
        if (unpack) out[plain] = values[packed]!;
        else out[packed] = values[plain]!;
      }
    }
  }
  return out;
}
