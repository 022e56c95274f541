/**
 * Row-band geometry of a chain of NHWC window layers (convolutions, depthwise convolutions,
 * pools) run band by band: which rows of each layer's input a band of the chain's output needs,
 * and the padding that makes a layer run on just those rows compute exactly the rows it computes
 * in the whole-tensor program.
 *
 * A layer with kernel height k, stride s, dilation d and top padding p reads, for output rows
 * [o0, o1), input rows [o0*s - p, (o1-1)*s - p + (k-1)*d + 1). The part of that range outside
 * [0, H) is the layer's real padding; the kernels skip those taps (and pools clip their windows
 * to the input), so giving the kernel only the rows inside [0, H), with the rest as top/bottom
 * padding, makes it skip exactly the taps the whole-tensor kernel skips: every band computes
 * bit-identical values. Overlapping bands recompute the rows they share (the halo).
 */

/** The row parameters of one window layer (width and channels are untouched by banding). */
export interface RowWindow {
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padTop: number;
  /** Input and output heights of the whole-tensor layer. */
  readonly inHeight: number;
  readonly outHeight: number;
}

/** One layer's part of one band: rows of its input and output, and its band padding. */
export interface LayerBand {
  /** Input rows [inStart, inEnd) the band reads (within [0, inHeight)). */
  readonly inStart: number;
  readonly inEnd: number;
  /** Output rows [outStart, outEnd) it computes. */
  readonly outStart: number;
  readonly outEnd: number;
  readonly padTop: number;
  readonly padBottom: number;
}

/**
 * The bands of each layer (first layer first) that produce output rows [start, end) of the last
 * layer. Layer i's output band is exactly layer i+1's input band.
 */
export function chainBand(layers: readonly RowWindow[], start: number, end: number): LayerBand[] {
  const bands: LayerBand[] = [];
  let [o0, o1] = [start, end];
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const need0 = o0 * l.stride - l.padTop;
    const need1 = (o1 - 1) * l.stride - l.padTop + (l.kernel - 1) * l.dilation + 1;
    const inStart = Math.max(0, need0);
    const inEnd = Math.min(l.inHeight, need1);
    bands.push({ inStart, inEnd, outStart: o0, outEnd: o1, padTop: inStart - need0, padBottom: need1 - inEnd });
    [o0, o1] = [inStart, inEnd];
  }
  return bands.reverse();
}

/** The output row bands [start, end) of `bandRows` rows each (the last one may be shorter). */
export function outputBands(outHeight: number, bandRows: number): Array<readonly [number, number]> {
  const bands: Array<readonly [number, number]> = [];
  for (let r = 0; r < outHeight; r += bandRows) bands.push([r, Math.min(outHeight, r + bandRows)]);
  return bands;
}

/** Every band of the chain, for output bands of `bandRows` rows. */
export function allBands(layers: readonly RowWindow[], bandRows: number): LayerBand[][] {
  const last = layers[layers.length - 1]!;
  return outputBands(last.outHeight, bandRows).map(([s, e]) => chainBand(layers, s, e));
}
