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
    const band = windowRows(layers[i]!, o0, o1);
    bands.push(band);
    [o0, o1] = [band.inStart, band.inEnd];
  }
  return bands.reverse();
}

/** The input rows and band padding of one layer computing its output rows [o0, o1). */
export function windowRows(l: RowWindow, o0: number, o1: number): LayerBand {
  const need0 = o0 * l.stride - l.padTop;
  const need1 = (o1 - 1) * l.stride - l.padTop + (l.kernel - 1) * l.dilation + 1;
  const inStart = Math.max(0, need0);
  const inEnd = Math.min(l.inHeight, need1);
  return { inStart, inEnd, outStart: o0, outEnd: o1, padTop: inStart - need0, padBottom: need1 - inEnd };
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

/**
 * One layer of one step when halo rows are kept from step to step: `held`, the output rows its
 * buffer holds after the step; `compute`, the rows computed now (absent when none are new) with
 * the input rows they read; `kept`, rows moved down to the buffer's start before computing.
 */
export interface CachedLayerBand {
  readonly held: { readonly start: number; readonly end: number };
  readonly compute: LayerBand | undefined;
  readonly kept: { readonly shift: number; readonly rows: number } | undefined;
}

/**
 * Steps with halo caching, driven from the chain's input like a line-buffered pipeline: each step
 * the first layer computes its next `rows` rows, then every later layer computes up to `rows` of
 * its next rows whose window its input now holds. A layer's buffer keeps only the rows a later row of the
 * next layer still reads (about one kernel window), so every row is computed exactly once.
 * Before computing, a layer drops the rows its consumer no longer needs (`kept`: the rest moved
 * down to the buffer's start). The last layer holds just the rows computed in the step.
 */
export function cachedBands(layers: readonly RowWindow[], rows: number): CachedLayerBand[][] {
  const n = layers.length;
  const done = new Array<number>(n).fill(0); // rows computed so far, per layer
  const held = layers.map(() => ({ start: 0, end: 0 }));
  const steps: CachedLayerBand[][] = [];
  const firstRead = (i: number, r: number) => Math.max(0, r * layers[i]!.stride - layers[i]!.padTop);
  while (done[n - 1]! < layers[n - 1]!.outHeight) {
    const step: CachedLayerBand[] = [];
    for (let i = 0; i < n; i++) {
      const l = layers[i]!;
      let upto: number;
      if (i === 0) upto = Math.min(l.outHeight, done[0]! + rows);
      else {
        const avail = done[i - 1]!;
        upto = done[i]!;
        // At most `rows` rows a step, also while the pipeline drains: a layer catching up on
        // several rows at once would have to hold them all.
        while (upto < l.outHeight && upto < done[i]! + rows && windowRows(l, upto, upto + 1).inEnd <= avail) upto++;
      }
      const compute = upto > done[i]! ? windowRows(l, done[i]!, upto) : undefined;
      // Rows this layer's consumer still reads: from its next row's first input row on.
      const keepFrom = i === n - 1 ? done[i]! : Math.min(done[i]!, firstRead(i + 1, done[i + 1]!));
      const before = held[i]!;
      const start = Math.max(before.start, keepFrom);
      const keptRows = before.end - start;
      const kept = keptRows > 0 && start > before.start ? { shift: start - before.start, rows: keptRows } : undefined;
      held[i] = { start: keptRows > 0 ? start : done[i]!, end: upto };
      done[i] = upto;
      step.push({ held: held[i]!, compute, kept });
    }
    steps.push(step);
  }
  return steps;
}
