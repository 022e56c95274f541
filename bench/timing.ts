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
 * Median wall time of `fn` in milliseconds, and median CPU time of this process during it, with
 * the last run's result. The median of a few runs resists the odd GC pause or a neighbour's
 * compile on this shared 2-core machine; CPU time also resists a loaded machine (wall time grows
 * with the load, CPU time hardly). The first run (cold JIT) counts like the others, as a user's
 * one-shot compile would.
 */
export function medianMs<T>(fn: () => T, options: TimingOptions = DEFAULT_TIMING): { ms: number; cpuMs: number; result: T } {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let spent = 0;
  let result: T;
  do {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    result = fn();
    const cpu = process.cpuUsage(cpuStart);
    const ms = performance.now() - start;
    times.push(ms);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    spent += ms;
  } while (times.length < options.maxRuns && (times.length < options.minRuns || spent < options.budgetMs));
  return { ms: median(times), cpuMs: median(cpuTimes), result };
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
