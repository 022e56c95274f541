/**
 * How far below its input an in-place output may start: the "lag" of `OpDef.inPlace`.
 *
 * A kernel that walks its output in increasing address order writes output byte k only after
 * it has finished with some prefix of its input; the input bytes past that prefix (its read
 * front) are still needed. Placing the output `lag` bytes below the input (output offset <=
 * input offset - lag) is safe exactly when every write lands below the read front of the moment:
 * lag = max over written bytes k of (k + 1 - front(k)), front(k) being the first input byte still
 * needed when byte k is written. A negative lag lets the output start inside the input (the
 * output is smaller, e.g. a strided convolution).
 *
 * These functions model the loop orders of runtime-c's kernels; test/schedule/overwrite-lag
 * checks them against a byte-level replay of those loops.
 */

/**
 * A pixel-major NHWC window kernel (convolution, depthwise convolution, pooling): for each
 * output pixel in (n, y, x) order it reads its window and writes its `outChannels` elements,
 * reads and writes interleaved, so a pixel's own window must survive until its last write.
 */
export interface WindowWalk {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  /** Input elements per pixel. */
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  /** Output elements per pixel. */
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly inElementBytes: number;
  readonly outElementBytes: number;
}

/** First tap coordinate inside [0, size) of a window starting at `start`, or undefined. */
function firstInside(start: number, taps: number, dilation: number, size: number): number | undefined {
  for (let t = 0; t < taps; t++) {
    const at = start + t * dilation;
    if (at >= 0 && at < size) return at;
  }
  return undefined;
}

/**
 * The lag of a window kernel. Each output pixel reads from the first in-range tap row and column
 * of its window onwards (channel 0 first); the front when pixel p writes is the smallest such
 * start over pixels p, p+1, ... (a suffix minimum, since padding can make starts non-monotone).
 */
export function windowLag(g: WindowWalk): number {
  const pixels = g.n * g.oh * g.ow;
  const starts = new Float64Array(pixels);
  let p = 0;
  for (let b = 0; b < g.n; b++) {
    for (let oy = 0; oy < g.oh; oy++) {
      const iy = firstInside(oy * g.sh - g.padTop, g.kh, g.dh, g.h);
      for (let ox = 0; ox < g.ow; ox++) {
        const ix = firstInside(ox * g.sw - g.padLeft, g.kw, g.dw, g.w);
        starts[p++] = iy === undefined || ix === undefined ? Infinity : ((b * g.h + iy) * g.w + ix) * g.c * g.inElementBytes;
      }
    }
  }
  const pixelOut = g.outChannels * g.outElementBytes;
  let front = Infinity;
  let lag = -Infinity;
  for (let q = pixels - 1; q >= 0; q--) {
    front = Math.min(front, starts[q]!);
    lag = Math.max(lag, (q + 1) * pixelOut - front);
  }
  return clampLag(lag, g.n * g.h * g.w * g.c * g.inElementBytes);
}

/**
 * An elementwise kernel over `count` elements in order (y[i] = f(x[i], ...)): element i is read
 * before it is written, so the front when writing element i is element i + 1.
 */
export function elementwiseLag(count: number, inElementBytes: number, outElementBytes: number): number {
  if (count < 2) return clampLag(-Infinity, count * inElementBytes);
  const step = outElementBytes - inElementBytes;
  return clampLag(step >= 0 ? (count - 1) * step : step, count * inElementBytes);
}

/** Below minus the input's size the two never overlap; -Infinity (nothing read) becomes that. */
function clampLag(lag: number, inputBytes: number): number {
  return Math.max(lag, -inputBytes);
}
