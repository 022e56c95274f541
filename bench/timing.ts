import { performance } from "node:perf_hooks";

export interface TimingOptions {
  /** Runs at least this many times, and at most `maxRuns`... */
  readonly minRuns: number;
  readonly maxRuns: number;
  /** ...stopping after `minRuns` once this much time was spent on the function. */
  readonly budgetMs: number;
}

export const DEFAULT_TIMING: TimingOptions = { minRuns: 3, maxRuns: 9, budgetMs: 300 };

/**
 * Median wall time of `fn` in milliseconds, with the last run's result. The median of a few runs
 * resists the odd GC pause or a neighbour's compile on this shared 2-core machine; the first run
 * (cold JIT) counts like the others, as a user's one-shot compile would.
 */
export function medianMs<T>(fn: () => T, options: TimingOptions = DEFAULT_TIMING): { ms: number; result: T } {
  const times: number[] = [];
  let spent = 0;
  let result: T;
  do {
    const start = performance.now();
    result = fn();
    const ms = performance.now() - start;
    times.push(ms);
    spent += ms;
  } while (times.length < options.maxRuns && (times.length < options.minRuns || spent < options.budgetMs));
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const ms = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { ms, result };
}
