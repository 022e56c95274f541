import type { BenchRow, BenchTable, Ratios } from "./table.js";

/** The table's columns, in order; `after` and ratio columns read "-" when there is no optimizer. */
export const COLUMNS = [
  "model",
  "calls",
  "calls opt",
  "arena B",
  "arena B opt",
  "compile ms",
  "compile ms opt",
  "sat+ext ms",
  "Mcycles m4",
  "Mcycles m4 opt",
  "x calls",
  "x arena",
  "x ms",
  "x cycles",
] as const;

/** One row as the table's cells, keyed by column. */
export function rowCells(row: BenchRow): Record<(typeof COLUMNS)[number], string> {
  const r: Partial<Ratios> = row.ratios ?? {};
  return {
    model: row.model,
    calls: String(row.before.kernelCalls),
    "calls opt": row.after ? String(row.after.kernelCalls) : "-",
    "arena B": String(row.before.arenaBytes),
    "arena B opt": row.after ? String(row.after.arenaBytes) : "-",
    "compile ms": row.before.compileMs.toFixed(1),
    "compile ms opt": row.after ? row.after.compileMs.toFixed(1) : "-",
    "sat+ext ms": row.after?.optimizerMs === undefined ? "-" : row.after.optimizerMs.toFixed(1),
    "Mcycles m4": mcycles(row.before.cycles),
    "Mcycles m4 opt": mcycles(row.after?.cycles),
    "x calls": ratio(r.kernelCalls),
    "x arena": ratio(r.arenaBytes),
    "x ms": ratio(r.compileMs),
    "x cycles": ratio(r.cycles),
  };
}

/** A fixed-width text table (first column left-aligned, numbers right-aligned) with a summary line. */
export function formatTable(table: BenchTable): string {
  const cells = table.rows.map(rowCells);
  const widths = COLUMNS.map((c) => Math.max(c.length, ...cells.map((r) => r[c].length)));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ").trimEnd();
  const out = [line(COLUMNS), line(widths.map((w) => "-".repeat(w)))];
  for (const r of cells) out.push(line(COLUMNS.map((c) => r[c])));
  out.push("", summary(table.rows));
  return out.join("\n");
}

/** Totals and geometric means of the ratios over rows that have them. */
export function summary(rows: readonly BenchRow[]): string {
  const total = (f: (r: BenchRow) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const parts = [
    `${rows.length} models`,
    `kernel calls ${total((r) => r.before.kernelCalls)}`,
    `compile ${total((r) => r.before.compileMs).toFixed(0)} ms (CPU ${total((r) => r.before.compileCpuMs).toFixed(0)} ms)`,
  ];
  const optimized = rows.filter((r) => r.after !== undefined);
  if (optimized.length > 0) {
    parts.push(
      `optimized: kernel calls ${total((r) => r.after?.kernelCalls ?? 0)} over ${optimized.length} models`,
      `compile ${total((r) => r.after?.compileMs ?? 0).toFixed(0)} ms (CPU ${total((r) => r.after?.compileCpuMs ?? 0).toFixed(0)} ms)`,
      `geomean x calls ${ratio(geomean(optimized.map((r) => r.ratios?.kernelCalls)))}`,
      `x arena ${ratio(geomean(optimized.map((r) => r.ratios?.arenaBytes)))}`,
      `x ms ${ratio(geomean(optimized.map((r) => r.ratios?.compileMs)))}`,
      `x cycles ${ratio(geomean(optimized.map((r) => r.ratios?.cycles)))}`,
    );
    const slowest = slowestOptimizer(optimized);
    if (slowest !== undefined) {
      const over = optimized.filter((r) => (r.after?.optimizerMs ?? 0) > OPTIMIZER_BUDGET_MS).length;
      parts.push(`saturation+extraction max ${slowest.ms.toFixed(0)} ms (${slowest.model}), ${over} over ${OPTIMIZER_BUDGET_MS} ms`);
    }
    parts.push(`stops (saturation/DAG search) ${stopTally(optimized)}`);
  }
  return parts.join("; ");
}

/** The target per model for saturation + extraction on the 2-core reference machine (a benchmark, not a test). */
export const OPTIMIZER_BUDGET_MS = 1000;

/** The row whose optimizer (saturation + extraction) took longest. */
export function slowestOptimizer(rows: readonly BenchRow[]): { model: string; ms: number } | undefined {
  let slowest: { model: string; ms: number } | undefined;
  for (const r of rows) {
    const ms = r.after?.optimizerMs;
    if (ms !== undefined && (slowest === undefined || ms > slowest.ms)) slowest = { model: r.model, ms };
  }
  return slowest;
}

/** "saturated/optimal 240, saturated/step-limit 6": how many models stopped for each reason. */
export function stopTally(rows: readonly BenchRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const stop = r.after?.optimizerStop;
    if (stop !== undefined) counts.set(stop, (counts.get(stop) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([stop, n]) => `${stop} ${n}`).join(", ") || "-";
}

function geomean(values: readonly (number | undefined)[]): number | undefined {
  const xs = values.filter((v): v is number => v !== undefined && v > 0);
  if (xs.length === 0) return undefined;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

function mcycles(c: number | undefined): string {
  return c === undefined ? "-" : (c / 1e6).toFixed(3);
}

function ratio(x: number | undefined): string {
  return x === undefined ? "-" : x.toFixed(2);
}
