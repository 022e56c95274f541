import type { Node, ValueInfo } from "../../src/ir/graph.js";
import { rowsWork } from "./ops/depthwise-rows.js";

/**
 * Cortex-M4 prices of eg_qdepthwise_i8_rows (ops/depthwise-rows.ts, QDepthwiseConv2DRowsDsp) and
 * its loops, for quant-cost.ts: cycles (~ instructions) fitted to per-layer instruction counts
 * under QEMU (arm-none-eabi-gcc -O2, Cortex-M4), each constant with the layers it was fitted to.
 */
export const CORTEX_M4_ROWS_CYCLES = {
  // eg_qdepthwise_i8_rows (ops/depthwise-rows.ts), fitted to kws and person_detect (3x3 s1) and
  // the constructed 3x1/5x5/7x7 s1/s2 layers: per channel row (ring row build, setup, calls), per
  // output and per SMLAD of the stride-1 loop of other widths (sums in registers per kernel row,
  // loaded and stored per row) and of the strided loop (plain C over runtime KH/KW: spilled
  // operands, the clamp inline).
  dspDepthwiseRowsPerRow: 266,
  // The 3x3 stride-1 channel loop (rows_channel_3x3): per channel row and per output, fitted to
  // person_detect's Conv2d_3 and Conv2d_5 (fused: no clamp narrower than int8, 18 a output in
  // the loop); kws (5 rows a channel from 7 ring rows) runs 8% above it. With a clamp the sums
  // go through the two passes: ~6 more a output (the loop bodies, not measured on a model).
  dspDepthwiseRows3x3PerRow: 218,
  dspDepthwiseRows3x3FusedPerOutput: 20.7,
  dspDepthwiseRows3x3PerOutput: 26.7,
  // Its four-output loop (RowsWork.quad3x3: qdepthwise_i8_quad3x3.c, 59 instructions per 4
  // outputs, then the row's last OW % 4 in the same asm: 4 to test for them, 33 for a pair and
  // 22 for one; qdepthwise_i8_rows_quad.c drives it). One channel's ring at a time: per row
  // (or per tile of a row, RowsWork.tiles) and per ring column built (eg_qdepthwise_i8_ring_build
  // on eg_qdepthwise_i8_ring_body's loop), least squares over person_detect's Conv2d_3 (rows of
  // 24, WP 28: 413963 measured, 407423 priced) and Conv2d_1 (48x48x8 in tiles of 16, WP 20:
  // 440370, 446974) and four single 3x3 layers in tiles (40x40x8, 32x64x8, 64x32x4 with the axes
  // swapped, 24x37x6 with a tail: all six within 1.93 %), the output price of the loop kept.
  dspDepthwiseRows3x3QuadPerRow: 99,
  dspDepthwiseRows3x3QuadPerRingColumn: 1.01,
  dspDepthwiseRows3x3QuadPerOutput: 16.8,
  // Four channels' rings built together (RowsWork.fourRings, every column a word of two): per
  // row, per output and per tail output solved from the three layers that run it (kws 25x5x64:
  // 168660 measured, one tail output a row; person_detect's Conv2d_5 12x12x64: 211780, none;
  // Conv2d_7 6x6x128: 143920, two; those two now run on planes, below). The tail's 11.2 is below the asm's 16.5..22 an output: the
  // rest of the per-row work is not one constant (ring padding columns and rows weigh more in
  // short rows and shallow channels).
  dspDepthwiseRows3x3Quad4PerRow: 54.14,
  dspDepthwiseRows3x3Quad4PerOutput: 18.46,
  dspDepthwiseRows3x3QuadPerTailOutput: 11.2,
  // Rows shorter than this, except on four channels' rings with the four-output loop (above):
  // measured slower than QDepthwiseConv2D3x3Dsp (person_detect's 6x6x128 layers, 270860 against
  // 217400 instructions) while that op's price overshoots it there (276468) and the linear fit
  // above does not hold (its per-channel work): not priced as the ring kernel. With the asm tail
  // the four-ring loop runs them in 143920, priced as such; QDepthwiseConv2D3x3Dsp runs them in
  // 136918 since session 30 and keeps them.
  dspDepthwiseRows3x3MinRow: 8,
  // Whole planes of 4 channels (rows of 6) or 2 (rows of 12) (RowsWork.planes3x3): per output the
  // six-output loop (qdepthwise_i8_six3x3.c, 84 instructions per 6); per call past the call (the
  // padding rows, set-up, the geometry test; the requantization test, ~10 a channel, falls in
  // the per-call and per-six-call terms), per input row a group builds
  // (straight-line rows for "same" and no padding; other paddings take the ring builds, more a
  // row, not priced apart) and per six-output call (2 a channel for rows of 12: the channel's
  // block and calls), least squares over int8Chain layers
  // (bench/constructed-models.ts): 6x6x32, 6x6x64, 6x6x128, 12x12x64, 12x12x128 "same", 8x8x64
  // and 14x14x64 without padding, all within 1.9 % (6x6x128: 83375 measured, 82930 priced).
  dspDepthwiseRowsPlanes3x3PerCall: 884.37,
  dspDepthwiseRowsPlanes3x3PerBuiltRow: 58.47,
  dspDepthwiseRowsPlanes3x3PerSixCall: 48.81,
  dspDepthwiseRowsPlanes3x3PerOutput: 14,
  dspDepthwiseRowsPairsPerOutput: 24,
  dspDepthwiseRowsPairsPerSmlad: 3.2,
  dspDepthwiseRowsStridedPerOutput: 30,
  dspDepthwiseRowsStridedPerSmlad: 10,
  // The four-output loops of qdepthwise_i8_rows_k.c (RowsWork.quadK), one call per channel: per
  // channel (the call, its checks, the ring set to zp, the first window's rows), per channel row
  // (its new ring rows' calls, the ring pointers, the group loop's set-up), per ring column built
  // (eg_qdepthwise_i8_ring_body: 18 instructions per 8), and per computed output (4 a group) and
  // SMLAD of one output (KH * ceil(KW / 2)): the 5x5 and 7x7 stride-1 groups are 137 and ~212
  // instructions (arm-none-eabi-gcc 12.2 -O2). Per output and SMLAD from the loop bodies; the rest
  // fitted to the constructed 5x5/7x7 layers at strides 1 and 2 (bench/constructed-models.ts):
  // predicted within 1.2 % of each (767020, 1136600, 272680, 135860 measured).
  dspDepthwiseRowsQuadPerChannel: 470,
  dspDepthwiseRowsQuadPerRow: 85,
  dspDepthwiseRowsQuadPerBuiltColumn: 3.35,
  // The stride-2 Thumb-2 rows (RowsWork.pairedBuild) build both new ring rows in one pass
  // (eg_qdepthwise_i8_ring_body2): per row and built column in place of the two terms above,
  // fitted to the constructed 5x5 and 7x7 s2 layers on the ring (255398, 130118 measured; 255292,
  // 130081 predicted), which the plane below runs since session 32: these price the layers whose
  // plane is larger than CMSIS-NN's scratch.
  dspDepthwiseRowsQuadPairedPerRow: 104.7,
  dspDepthwiseRowsQuadPairedPerBuiltColumn: 2.1,
  dspDepthwiseRowsQuadPerOutput: 12,
  dspDepthwiseRowsQuadPerSmlad: 1.44,
  // Its one-kernel-row width 3 (qdepthwise_i8_rows_1x3.c: 3x1 transposed, 1x3), priced on its own
  // (no ring: the interior reads the input directly, one Thumb-2 loop does every input row of a
  // channel and the edge outputs of "same" padding): per channel (the C set-up, the edge loops),
  // per row and per output at each stride (four steps a loop: a stride-1 step is 17 instructions
  // for 2 outputs, 16 where y - p is constant, a stride-2 one 10 for one, y moved once per 2, and
  // the loop 2 per 4 steps). Least squares over eleven layers (stride 1 "same": 3x1 24x24x32
  // 183784, 12x12x16 30328, 30x1x64 39240, 16x40x16 107320, 1x3 8x40x16 51256; "valid": 3x1
  // 24x24x32 169320, 12x40x16 76024, 1x3 26x26x32 207368; stride 2: 3x1 48x48x32 233352,
  // 25x25x16 40824, 1x3 20x20x24 41368 measured): all within 3.1 % (the last, rows of 24 with
  // n % 4 = 0, the furthest).
  dspDepthwiseRowsOneRow3PerChannel: 333,
  dspDepthwiseRowsOneRow3PerRow: 24.7,
  dspDepthwiseRowsOneRow3PerOutputS1: 8.5,
  dspDepthwiseRowsOneRow3PerOutputS2: 11.06,
  // The stride-2 plane (qdepthwise_i8_rows_plane.c, RowsWork.plane: square 5x5/7x7 whose padded
  // rows fit CMSIS-NN's scratch): per channel (call, checks, set-up), per input value built into
  // the plane (34 instructions per 16 in the asm pass, plus each row pair's 11), per row and group
  // of the whole-channel 5x5 asm (116 a group by its listing, 11 a row), and per row, computed
  // output and SMLAD of the C-driven groups (7x7, and 5x5 rows with OW % 4 != 0; pairs as two
  // outputs). The built value and the asm's two from the code; the other four by least squares
  // over ten single layers (5x5 at 24x24x32, 16x16x16, 12x12x16, 20x20x32, 18x18x24, 12x12x64; 7x7
  // at 12x12x32, 16x16x32, 20x20x16, 14x14x32; the bench's constructed two weighted x3): within
  // 2.5 % but 16x16x32 7x7 (+7.3 %, priced above measured: its two groups a row in the C loop).
  dspDepthwiseRowsPlanePerChannel: 248,
  dspDepthwiseRowsPlanePerBuiltValue: 2.4,
  dspDepthwiseRowsPlaneAsmPerRow: 11,
  dspDepthwiseRowsPlaneAsmPerGroup: 116,
  dspDepthwiseRowsPlanePerRow: 74.9,
  dspDepthwiseRowsPlanePerOutput: 10.56,
  dspDepthwiseRowsPlanePerSmlad: 1.366,
} as const;

/**
 * Cycles of one eg_qdepthwise_i8_rows call past the call itself (rowsWork: its rows, outputs and
 * loop), or undefined for a shape it does not fit or runs slower than the pixel-major kernels
 * (rows shorter than dspDepthwiseRows3x3MinRow).
 */
export function depthwiseRowsCycles(node: Node, inputs: readonly (ValueInfo | undefined)[]): number | undefined {
  const c = CORTEX_M4_ROWS_CYCLES;
  const work = rowsWork(node, inputs);
  if (work === undefined) return undefined;
  if (work.planes3x3) {
    const groups = work.channels / work.planes3x3Channels;
    return c.dspDepthwiseRowsPlanes3x3PerCall + groups * work.planes3x3BuiltRows * c.dspDepthwiseRowsPlanes3x3PerBuiltRow
      + work.channels * (work.rowLength / 6) * c.dspDepthwiseRowsPlanes3x3PerSixCall + work.outputs * c.dspDepthwiseRowsPlanes3x3PerOutput;
  }
  if (work.threeByThree && !(work.quad3x3 && work.fourRings) && work.rowLength < c.dspDepthwiseRows3x3MinRow) return undefined;
  if (work.quad3x3 && work.fourRings) {
    const perRow = c.dspDepthwiseRows3x3Quad4PerRow + (work.rowLength % 4) * c.dspDepthwiseRows3x3QuadPerTailOutput;
    return work.rows * perRow + work.outputs * c.dspDepthwiseRows3x3Quad4PerOutput;
  }
  if (work.quad3x3) {
    const perRow = c.dspDepthwiseRows3x3QuadPerRow + work.builtColumnsPerRow * c.dspDepthwiseRows3x3QuadPerRingColumn + (work.rowLength % 4) * c.dspDepthwiseRows3x3QuadPerTailOutput;
    return work.rows * perRow + work.outputs * c.dspDepthwiseRows3x3QuadPerOutput;
  }
  if (work.threeByThree) {
    const perOutput = work.fused ? c.dspDepthwiseRows3x3FusedPerOutput : c.dspDepthwiseRows3x3PerOutput;
    return work.rows * c.dspDepthwiseRows3x3PerRow + work.outputs * perOutput;
  }
  if (work.quadK && work.oneRow3) {
    const perOutput = work.stride1 ? c.dspDepthwiseRowsOneRow3PerOutputS1 : c.dspDepthwiseRowsOneRow3PerOutputS2;
    return work.channels * c.dspDepthwiseRowsOneRow3PerChannel + work.rows * c.dspDepthwiseRowsOneRow3PerRow + work.outputs * perOutput;
  }
  if (work.plane !== undefined) {
    const pl = work.plane;
    const perRow = pl.asmGroupsPerRow > 0
      ? c.dspDepthwiseRowsPlaneAsmPerRow + pl.asmGroupsPerRow * c.dspDepthwiseRowsPlaneAsmPerGroup
      : c.dspDepthwiseRowsPlanePerRow + pl.outputsPerRow * (c.dspDepthwiseRowsPlanePerOutput + work.smlads * c.dspDepthwiseRowsPlanePerSmlad);
    return work.channels * (c.dspDepthwiseRowsPlanePerChannel + pl.builtPerChannel * c.dspDepthwiseRowsPlanePerBuiltValue) + work.rows * perRow;
  }
  if (work.quadK) {
    const perRow = work.pairedBuild
      ? c.dspDepthwiseRowsQuadPairedPerRow + work.builtColumnsPerRow * c.dspDepthwiseRowsQuadPairedPerBuiltColumn
      : c.dspDepthwiseRowsQuadPerRow + work.builtColumnsPerRow * c.dspDepthwiseRowsQuadPerBuiltColumn;
    const perOutput = c.dspDepthwiseRowsQuadPerOutput + work.smlads * c.dspDepthwiseRowsQuadPerSmlad;
    return work.channels * c.dspDepthwiseRowsQuadPerChannel + work.rows * (perRow + work.quadOutputsPerRow * perOutput);
  }
  const perOutput = work.stride1
    ? c.dspDepthwiseRowsPairsPerOutput + work.smlads * c.dspDepthwiseRowsPairsPerSmlad
    : c.dspDepthwiseRowsStridedPerOutput + work.smlads * c.dspDepthwiseRowsStridedPerSmlad;
  return work.rows * c.dspDepthwiseRowsPerRow + work.outputs * perOutput;
}
