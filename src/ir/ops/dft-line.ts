/**
 * The per-line transforms shared by DFT and STFT, written twice with the same operations in the
 * same order: once in TypeScript for the interpreter, once as C. Both read the same twiddle tables
 * (cos and sin of 2πj/n in double, emitted as `static const double` arrays) and accumulate in
 * double, so the generated code and the interpreter agree to the last bit and match numpy's FFT
 * to float32 precision. The direct O(n²) sum needs no scratch memory; an FFT is future work.
 */

/** Samples of one line: `count` values `stride` elements apart, complex when `channels` is 2. */
export interface LineIn {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly stride: number;
  readonly channels: 1 | 2;
  readonly count: number;
  /** Per-sample weights (STFT's window), or none. */
  readonly window?: ArrayLike<number>;
}

export interface LineOut {
  readonly data: Float64Array;
  readonly offset: number;
  readonly stride: number;
}

export interface Twiddles {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

export function twiddles(n: number): Twiddles {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  return { cos, sin };
}

/**
 * bins[k] = scale · Σ_t x[t] w[t] e^{∓2πi kt/n} for k < kOut, written as (re, im) pairs; the sign
 * is + for the inverse transform, whose scale is 1/n. Samples past `count` are zero padding.
 */
export function dftLine(x: LineIn, y: LineOut, kOut: number, n: number, tw: Twiddles, inverse: boolean): void {
  for (let k = 0; k < kOut; k++) {
    let re = 0;
    let im = 0;
    let j = 0;
    for (let t = 0; t < x.count; t++) {
      let xr = x.data[x.offset + t * x.stride]!;
      let xi = x.channels === 2 ? x.data[x.offset + t * x.stride + 1]! : 0;
      if (x.window) {
        xr = xr * x.window[t]!;
        xi = xi * x.window[t]!;
      }
      const c = tw.cos[j]!;
      const s = inverse ? tw.sin[j]! : -tw.sin[j]!;
      re = re + (xr * c - xi * s);
      im = im + (xr * s + xi * c);
      j += k;
      if (j >= n) j -= n;
    }
    const scale = inverse ? 1 / n : 1;
    y.data[y.offset + k * y.stride] = re * scale;
    y.data[y.offset + k * y.stride + 1] = im * scale;
  }
}

/**
 * The inverse of a one-sided spectrum (numpy's irfft): n real samples from the first `count` bins
 * (the rest are zero), the negative frequencies being the conjugates; the imaginary parts of the
 * DC and (for even n) Nyquist bins do not contribute.
 */
export function irfftLine(x: LineIn, y: LineOut, n: number, tw: Twiddles): void {
  const paired = Math.min(x.count, Math.ceil(n / 2));
  const nyquist = n % 2 === 0 && x.count > n / 2;
  const re = (k: number) => x.data[x.offset + k * x.stride]!;
  const im = (k: number) => (x.channels === 2 ? x.data[x.offset + k * x.stride + 1]! : 0);
  for (let t = 0; t < n; t++) {
    let acc = x.count > 0 ? re(0) : 0;
    let j = t;
    for (let k = 1; k < paired; k++) {
      acc = acc + 2 * (re(k) * tw.cos[j]! - im(k) * tw.sin[j]!);
      j += t;
      if (j >= n) j -= n;
    }
    if (nyquist) acc = acc + (t % 2 === 0 ? re(n / 2) : -re(n / 2));
    y.data[y.offset + t * y.stride] = acc / n;
  }
}

/** C of `eg_dft_line_<suffix>` for element type T (each transform is defined only where used). */
export function dftLineC(T: string, suffix: string): string {
  return `/* One DFT line (see dft-line.ts): y[k] = scale * sum_t x[t] w[t] e^{-+2 pi i k t / n} for k < k_out. */
static void eg_dft_line_${suffix}(const ${T} *x, int32_t x_stride, int32_t x_c, const ${T} *w, int32_t count,
    ${T} *y, int32_t y_stride, int32_t k_out, int32_t n, const double *cos_t, const double *sin_t, int32_t inverse) {
  int32_t k, t, j;
  for (k = 0; k < k_out; k++) {
    double re = 0.0, im = 0.0, scale;
    j = 0;
    for (t = 0; t < count; t++) {
      double xr = (double)x[(size_t)t * (size_t)x_stride];
      double xi = x_c == 2 ? (double)x[(size_t)t * (size_t)x_stride + 1u] : 0.0;
      double c, s;
      if (w) {
        xr = xr * (double)w[t];
        xi = xi * (double)w[t];
      }
      c = cos_t[j];
      s = inverse ? sin_t[j] : -sin_t[j];
      re = re + (xr * c - xi * s);
      im = im + (xr * s + xi * c);
      j += k;
      if (j >= n) j -= n;
    }
    scale = inverse ? 1.0 / (double)n : 1.0;
    y[(size_t)k * (size_t)y_stride] = (${T})(re * scale);
    y[(size_t)k * (size_t)y_stride + 1u] = (${T})(im * scale);
  }
}`;
}

/** C of `eg_irfft_line_<suffix>` for element type T. */
export function irfftLineC(T: string, suffix: string): string {
  return `/* One inverse real DFT line (numpy's irfft) of n samples from the first \`count\` bins. */
static void eg_irfft_line_${suffix}(const ${T} *x, int32_t x_stride, int32_t x_c, int32_t count,
    ${T} *y, int32_t y_stride, int32_t n, const double *cos_t, const double *sin_t) {
  const int32_t half = (n + 1) / 2;
  const int32_t paired = count < half ? count : half;
  const int nyquist = n % 2 == 0 && count > n / 2;
  int32_t t, k, j;
  for (t = 0; t < n; t++) {
    double acc = count > 0 ? (double)x[0] : 0.0;
    j = t;
    for (k = 1; k < paired; k++) {
      const double re = (double)x[(size_t)k * (size_t)x_stride];
      const double im = x_c == 2 ? (double)x[(size_t)k * (size_t)x_stride + 1u] : 0.0;
      acc = acc + 2.0 * (re * cos_t[j] - im * sin_t[j]);
      j += t;
      if (j >= n) j -= n;
    }
    if (nyquist) {
      const double re = (double)x[(size_t)(n / 2) * (size_t)x_stride];
      acc = acc + (t % 2 == 0 ? re : -re);
    }
    y[(size_t)t * (size_t)y_stride] = (${T})(acc / (double)n);
  }
}`;
}
