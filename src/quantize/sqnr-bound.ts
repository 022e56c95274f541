import { seededUint32 } from "../util/prng.js";

/** One sample's share of an SQNR: its reference energy and its error energy. */
export interface SampleEnergy {
  readonly signal: number;
  readonly noise: number;
}

/** The guard-rail judges this one-sided lower confidence bound of the output SQNR (docs/quantization.md). */
export const SQNR_BOUND_CONFIDENCE = 0.95;
/** Bootstrap resamples behind the bound: enough that its 5th percentile moves by well under 0.1 dB. */
export const SQNR_BOUND_RESAMPLES = 1000;

/** 10 log10(signal / noise) over the samples together; +Infinity without error. */
export function pooledSqnrDb(energies: readonly SampleEnergy[]): number {
  let signal = 0;
  let noise = 0;
  for (const e of energies) {
    signal += e.signal;
    noise += e.noise;
  }
  return noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
}

/**
 * A lower confidence bound of the pooled SQNR on inputs drawn like `energies`' samples: the
 * (1 - confidence) quantile of the pooled SQNR over bootstrap resamples (samples drawn with
 * replacement, as many as there are). A handful of calibration samples is itself a sample: one
 * input at 11 dB among nine at 20-50 dB says inputs like it exist, and a pooled figure of 20.2 dB
 * hides that. Deterministic: the resamples come from the one seeded generator (src/util/prng.ts). With one sample
 * the bound is that sample's SQNR.
 */
export function sqnrLowerBoundDb(energies: readonly SampleEnergy[], confidence = SQNR_BOUND_CONFIDENCE, resamples = SQNR_BOUND_RESAMPLES): number {
  const n = energies.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const next = seededUint32(1);
  const pooled: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let signal = 0;
    let noise = 0;
    for (let i = 0; i < n; i++) {
      const e = energies[next() % n]!;
      signal += e.signal;
      noise += e.noise;
    }
    pooled.push(noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise));
  }
  pooled.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return pooled[Math.floor((1 - confidence) * resamples)]!;
}
