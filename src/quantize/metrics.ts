/**
 * Agreement measures between a reference (float) signal and an approximation of it.
 * SQNR = 10 log10(sum ref^2 / sum (ref - approx)^2) in dB; identical signals give +Infinity.
 */
export function sqnrDb(reference: ArrayLike<number>, approx: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const d = r - approx[i]!;
    signal += r * r;
    noise += d * d;
  }
  if (noise === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}

/** Accumulates signal and noise energy over many samples: the SQNR of the concatenation. */
export class SqnrAccumulator {
  private signal = 0;
  private noise = 0;

  add(reference: ArrayLike<number>, approx: ArrayLike<number>): void {
    for (let i = 0; i < reference.length; i++) {
      const r = reference[i]!;
      const d = r - approx[i]!;
      this.signal += r * r;
      this.noise += d * d;
    }
  }

  get db(): number {
    return this.noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(this.signal / this.noise);
  }
}

/** cos(angle) between the two vectors; 1 for identical directions, 0 when either is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? (aa === bb ? 1 : 0) : ab / Math.sqrt(aa * bb);
}

/** Index of the largest element (the first on ties). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
