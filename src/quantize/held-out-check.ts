import type { Graph } from "../ir/graph.js";
import { runGraph } from "../interp/run.js";
import type { Sample } from "./calibrate.js";
import { quantizeProgram, type PtqOptions } from "./ptq.js";
import { pooledSqnrDb, sqnrLowerBoundDb, type SampleEnergy } from "./sqnr-bound.js";

/** How many folds the held-out estimate splits the calibration samples into (fewer when there are fewer samples). */
export const HELD_OUT_FOLDS = 5;

/** Output SQNR of the integer program on calibration samples it was not fitted to (compile's guard-rail). */
export interface HeldOutCheck {
  readonly folds: number;
  /** Samples measured: every calibration sample, each once, by the fold that left it out. */
  readonly samples: number;
  /** The output with the lowest bound, its SQNR (dB) pooled over every held-out sample, and the bound. */
  readonly output: string;
  readonly outputSqnrDb: number;
  /** One-sided lower confidence bound of that SQNR (sqnr-bound.ts): what the warning judges. */
  readonly lowerBoundDb: number;
}

/** Signal and error energy of one output on one sample. */
function energy(reference: ArrayLike<number>, approx: ArrayLike<number>): SampleEnergy {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    signal += r * r;
    noise += (r - approx[i]!) ** 2;
  }
  return { signal, noise };
}

/**
 * Fold `k` of `folds` over `n` samples: the contiguous block [floor(k n / folds), floor((k + 1) n / folds)).
 * Blocks, not every folds-th sample: a folder is read sorted by name, so neighbours tend to be alike
 * (frames of one recording, one class, an image and its flipped copy); holding out a block asks
 * how the program does on inputs unlike those it was fitted to, which is what deployment brings.
 */
export function foldRange(k: number, folds: number, n: number): [number, number] {
  return [Math.floor((k * n) / folds), Math.floor(((k + 1) * n) / folds)];
}

/**
 * K-fold cross-validation of the whole fitting (ranges, GPTQ weights; overrides kept): for each
 * fold, the program is quantized on the other samples exactly as compile quantizes it on all of
 * them, then both programs run on the fold. The pooled SQNR estimates how the program compile
 * emits does on inputs it has not seen (the figure on the calibration samples themselves is
 * optimistic), and its lower confidence bound how much a handful of samples can tell.
 * Undefined with one sample (nothing to hold out). Costs about `folds` calibrations; `options.onProgress`
 * hears of each finished fold.
 */
export function checkHeldOut(program: Graph, samples: readonly Sample[], options: PtqOptions, folds = HELD_OUT_FOLDS): HeldOutCheck | undefined {
  const k = Math.min(folds, samples.length);
  if (k < 2) return undefined;
  const outs: SampleEnergy[][] = program.outputs.map(() => []);
  const { onProgress, ...fitting } = options;
  for (let fold = 0; fold < k; fold++) {
    const [from, to] = foldRange(fold, k, samples.length);
    const fitted = quantizeProgram(program, [...samples.slice(0, from), ...samples.slice(to)], fitting);
    for (const s of samples.slice(from, to)) {
      const float = runGraph(program, s, { ops: fitting.ops });
      const quantized = runGraph(fitted.graph, s, { ops: fitting.ops });
      float.forEach((f, i) => outs[i]!.push(energy(f.toNumbers(), quantized[i]!.toNumbers())));
    }
    onProgress?.(fold + 1, k);
  }
  const bounds = outs.map((e) => sqnrLowerBoundDb(e));
  let worst = 0;
  bounds.forEach((b, i) => {
    if (b < bounds[worst]!) worst = i;
  });
  return { folds: k, samples: samples.length, output: program.outputs[worst]?.name ?? "", outputSqnrDb: pooledSqnrDb(outs[worst] ?? []), lowerBoundDb: bounds[worst] ?? Number.POSITIVE_INFINITY };
}
