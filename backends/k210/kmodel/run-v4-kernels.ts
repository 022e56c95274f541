/**
 * TS versions of nncase v0.2's neutral CPU kernels that need more than a few lines
 * (`kernels/neutral/neutral_kernels.h`): float conv2d, softmax, strided_slice. Float32 arithmetic
 * is rounded after every operation (Math.fround) in the kernels' own order, so results match the
 * C++ runtime compiled without FMA contraction.
 */

const f = Math.fround;

export interface Conv2dParams {
  /** NCHW input shape. */
  readonly inShape: readonly number[];
  readonly groups: number;
  readonly outChannels: number;
  readonly filterH: number;
  readonly filterW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padH: readonly [number, number];
  readonly padW: readonly [number, number];
  readonly actMin: number;
  readonly actMax: number;
}

/** nncase `get_windowed_output_size`: (in + before + after − dilation·(k − 1) − 1) / stride + 1. */
export function windowedOutputSize(size: number, filter: number, stride: number, dilation: number, pad: readonly [number, number]): number {
  return Math.floor((size + pad[0] + pad[1] - dilation * (filter - 1) - 1) / stride) + 1;
}

/**
 * Grouped 2-D convolution, NCHW, weights [OC, IC/groups, KH, KW]: each output starts at its bias,
 * adds in·w over the taps inside the input (padding taps are skipped, i.e. zero), then clamps to
 * the fused range.
 */
export function conv2dF32(x: Float32Array, weights: Float32Array, bias: Float32Array, p: Conv2dParams): Float32Array {
  const [n, c, h, w] = p.inShape as [number, number, number, number];
  const outH = windowedOutputSize(h, p.filterH, p.strideH, p.dilationH, p.padH);
  const outW = windowedOutputSize(w, p.filterW, p.strideW, p.dilationW, p.padW);
  const gIc = Math.floor(c / p.groups), gOc = Math.floor(p.outChannels / p.groups);
  const out = new Float32Array(n * p.outChannels * outH * outW);
  let at = 0;
  for (let b = 0; b < n; b++)
    for (let g = 0; g < p.groups; g++)
      for (let oc = 0; oc < gOc; oc++) {
        const wOc = ((g * gOc + oc) * gIc) * p.filterH * p.filterW;
        for (let oy = 0; oy < outH; oy++)
          for (let ox = 0; ox < outW; ox++) {
            const y0 = oy * p.strideH - p.padH[0], x0 = ox * p.strideW - p.padW[0];
            let v = bias[g * gOc + oc]!;
            for (let ic = 0; ic < gIc; ic++) {
              const plane = ((b * c + g * gIc + ic) * h) * w;
              const wIc = wOc + ic * p.filterH * p.filterW;
              for (let ky = 0; ky < p.filterH; ky++) {
                const iy = y0 + p.dilationH * ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < p.filterW; kx++) {
                  const ix = x0 + p.dilationW * kx;
                  if (ix < 0 || ix >= w) continue;
                  v = f(v + f(x[plane + iy * w + ix]! * weights[wIc + ky * p.filterW + kx]!));
                }
              }
            }
            out[at++] = Math.min(Math.max(v, p.actMin), p.actMax);
          }
      }
  return out;
}

/** Softmax over `inner` contiguous values, `outer` times: exp((x − max)·beta), then divide by the sum. */
export function softmaxF32(x: Float32Array, beta: number, outer: number, inner: number): Float32Array {
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let max = -Infinity;
    for (let i = 0; i < inner; i++) max = Math.max(max, x[base + i]!);
    let sum = 0;
    for (let i = 0; i < inner; i++) {
      const e = f(Math.exp(f(f(x[base + i]! - max) * beta)));
      sum = f(sum + e);
      out[base + i] = e;
    }
    for (let i = 0; i < inner; i++) out[base + i] = f(out[base + i]! / sum);
  }
  return out;
}

/**
 * 4-D strided slice of elements of `size` bytes: for each axis, indices begin, begin + stride, …
 * while below end (above it for a negative stride). The masks are already folded into begin/end
 * by the compiler (nncase's kernel ignores them too).
 */
export function stridedSliceBytes(src: Uint8Array, dst: Uint8Array, size: number, shape: readonly number[], begin: readonly number[], end: readonly number[], strides: readonly number[]): void {
  const go = (i: number, d: number): boolean => (strides[d]! > 0 ? i < end[d]! : i > end[d]!);
  let at = 0;
  for (let a = begin[0]!; go(a, 0); a += strides[0]!)
    for (let b = begin[1]!; go(b, 1); b += strides[1]!)
      for (let c = begin[2]!; go(c, 2); c += strides[2]!)
        for (let d = begin[3]!; go(d, 3); d += strides[3]!) {
          const off = (((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d) * size;
          dst.set(src.subarray(off, off + size), at);
          at += size;
        }
}
