/**
 * The one seeded pseudo-random generator of Egret: mulberry32 (Tommy Ettinger's 32-bit
 * generator: a Weyl sequence of step 0x6d2b79f5 through an xorshift-multiply output mix). Every
 * "random" value Egret or its tests and benches use comes from here, so a seed reproduces it
 * on every machine: calibration without data, the rule checker's operand values, stand-in
 * inputs of `egret bench`, a target's fallback calibration, test inputs and bench noise.
 *
 * It is not cryptographic and only 32 bits of state (period 2^32): plenty for test data.
 */

/** Uniform numbers in [0, 1), each a multiple of 2^-32, from `seed` (any integer; taken mod 2^32). */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed);
  return () => next() / 4294967296;
}

/** Uniform 32-bit unsigned integers from `seed`. */
export function seededUint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
