import { getCostModel, programCost } from "../costmodels/index.js";
import type { Graph } from "../src/ir/graph.js";
import type { BenchModel } from "./models.js";
import { compileWith, resultGraph } from "./optimizer.js";
import { DEFAULT_TIMING, medianMs, type TimingOptions } from "./timing.js";

/** What one compile of a model gave. */
export interface Measure {
  readonly kernelCalls: number;
  readonly arenaBytes: number;
  /** Median compile time (import excluded). */
  readonly compileMs: number;
  /** Median CPU time of the same compiles (less sensitive to the machine's load than `compileMs`). */
  readonly compileCpuMs: number;
  /** Predicted cycles of one inference under the cortex-m4 cost model; undefined when the graph is not known. */
  readonly cycles: number | undefined;
  /**
   * Saturation + extraction milliseconds of the optimizer (its own report, median over the timed
   * runs); undefined for a compile without the optimizer.
   */
  readonly optimizerMs: number | undefined;
  /** What stopped saturation and the DAG search, e.g. "saturated/optimal" (the last run's); undefined without the optimizer. */
  readonly optimizerStop: string | undefined;
}

/** after / before of each column, measured in the same run; undefined when a side is missing or 0. */
export interface Ratios {
  readonly kernelCalls: number | undefined;
  readonly arenaBytes: number | undefined;
  readonly compileMs: number | undefined;
  readonly cycles: number | undefined;
}

export interface BenchRow {
  readonly model: string;
  readonly before: Measure;
  /** Undefined when the optimizer is not available, or when it failed on this model (see `afterError`). */
  readonly after: Measure | undefined;
  readonly ratios: Ratios | undefined;
  readonly afterError?: string;
}

export interface Skipped {
  readonly model: string;
  readonly reason: string;
}

export interface BenchTable {
  readonly rows: readonly BenchRow[];
  readonly skipped: readonly Skipped[];
}

export interface BenchOptions {
  /** Also compile with {optimize: true} (only when the optimizer exists: see detectOptimizer). */
  readonly optimize: boolean;
  readonly timing?: TimingOptions;
  /** Called after each model, for progress output. */
  readonly onModel?: (model: string, index: number, total: number) => void;
}

/** The cost model whose cycles the table predicts. */
export const BENCH_COST_MODEL = "cortex-m4";

/**
 * Compiles every model without (and, with `optimize`, with) the optimizer and measures both in the
 * same run. A model that fails to import or to compile at baseline is skipped with its reason; an
 * optimizer failure is recorded on the row. Never asserts anything about timings.
 */
export function benchTable(models: readonly BenchModel[], options: BenchOptions): BenchTable {
  const rows: BenchRow[] = [];
  const skipped: Skipped[] = [];
  const timing = options.timing ?? DEFAULT_TIMING;
  models.forEach((m, index) => {
    try {
      const graph = m.load();
      const before = measure(graph, false, timing);
      if (!options.optimize) rows.push({ model: m.name, before, after: undefined, ratios: undefined });
      else {
        try {
          const after = measure(graph, true, timing);
          rows.push({ model: m.name, before, after, ratios: ratiosOf(before, after) });
        } catch (e) {
          rows.push({ model: m.name, before, after: undefined, ratios: undefined, afterError: firstLine(e) });
        }
      }
    } catch (e) {
      skipped.push({ model: m.name, reason: firstLine(e) });
    }
    options.onModel?.(m.name, index, models.length);
  });
  return { rows, skipped };
}

function measure(graph: Graph, optimize: boolean, timing: TimingOptions): Measure {
  const optimizerTimes: number[] = [];
  const { ms, cpuMs, result } = medianMs(() => {
    const compiled = compileWith(graph, optimize);
    const report = compiled.summary.optimizer;
    if (report !== undefined) optimizerTimes.push(report.saturateMs + report.extractMs);
    return compiled;
  }, timing);
  // The baseline emits the imported graph as is; an optimized compile is priced on the graph it
  // hands back, if it hands one back.
  const priced = optimize ? resultGraph(result) : graph;
  const report = result.summary.optimizer;
  return {
    kernelCalls: result.summary.kernelCalls,
    arenaBytes: result.summary.arenaBytes,
    compileMs: ms,
    compileCpuMs: cpuMs,
    optimizerStop: report === undefined ? undefined : `${report.stopReason}/${report.extraction.dagStatus ?? "greedy"}`,
    cycles: priced ? programCost(getCostModel(BENCH_COST_MODEL), priced)["cycles"] : undefined,
    optimizerMs: median(optimizerTimes),
  };
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function ratiosOf(before: Measure, after: Measure): Ratios {
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
  return {
    kernelCalls: ratio(after.kernelCalls, before.kernelCalls),
    arenaBytes: ratio(after.arenaBytes, before.arenaBytes),
    compileMs: ratio(after.compileMs, before.compileMs),
    cycles: ratio(after.cycles, before.cycles),
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
