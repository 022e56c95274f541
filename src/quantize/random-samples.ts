import { DTYPES } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { Tensor } from "../ir/tensor.js";
import { seededRandom } from "../util/prng.js";
import type { Sample } from "./calibrate.js";

/** Documented fallback without --calib (docs/quantization.md): this many samples... */
export const RANDOM_SAMPLE_COUNT = 16;
/** ...uniform in this interval for float inputs (integer inputs: their dtype's whole range). */
export const RANDOM_FLOAT_RANGE = [0, 1] as const;
/** ...drawn from this seed. */
export const RANDOM_SAMPLE_SEED = 1;

/**
 * Seeded uniform inputs for calibrating without data: deterministic (src/util/prng.ts, seed
 * `RANDOM_SAMPLE_SEED`), so the same model always gives the same program. The ranges they produce only fit models whose real
 * inputs look like them, hence the warning the CLI prints.
 */
export function randomSamples(graph: Graph, count = RANDOM_SAMPLE_COUNT): Sample[] {
  const next = seededRandom(RANDOM_SAMPLE_SEED);
  return Array.from({ length: count }, () =>
    graph.inputs.map((input) => {
      const n = input.shape.reduce((a, b) => a * b, 1);
      const info = DTYPES[input.dtype];
      const [lo, hi] = info.isFloat ? RANDOM_FLOAT_RANGE : [info.min, info.max];
      const values = Array.from({ length: n }, () => lo + (hi - lo) * next());
      return Tensor.fromNumbers(input.dtype, input.shape, info.isFloat ? values : values.map(Math.round));
    }),
  );
}
