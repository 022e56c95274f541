import type { OpMeasurement } from "../pipeline/target.js";

/** One kernel call: measured instructions next to the cost model's predicted cycles. */
export interface OpComparison {
  readonly node: string;
  readonly op: string;
  readonly measured: number;
  readonly predicted: number;
}

export function opComparisons(ops: readonly OpMeasurement[]): OpComparison[] {
  return ops.map((m) => ({ node: m.node.name, op: m.node.op, measured: m.instructions, predicted: m.predictedCycles }));
}

/** Spearman's rank correlation (ties get their average rank); NaN for fewer than 2 points. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) return Number.NaN;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (rx.length + 1) / 2;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - mean) * (ry[i]! - mean);
    dx += (rx[i]! - mean) ** 2;
    dy += (ry[i]! - mean) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const rank = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    for (let k = start; k <= end; k++) rank[order[k]!.i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return rank;
}

/** The --per-op table: kernel, op, measured instructions, predicted cycles, share of the total. */
export function formatPerOpTable(rows: readonly OpComparison[]): string {
  const total = rows.reduce((s, r) => s + r.measured, 0);
  const lines = [`${"#".padStart(3)}  ${"op".padEnd(22)} ${"instructions".padStart(12)} ${"predicted".padStart(12)} ${"share".padStart(6)}  node`];
  rows.forEach((r, i) => {
    const share = total > 0 ? `${((100 * r.measured) / total).toFixed(1)}%` : "-";
    lines.push(`${String(i).padStart(3)}  ${r.op.padEnd(22)} ${Math.round(r.measured).toString().padStart(12)} ${Math.round(r.predicted).toString().padStart(12)} ${share.padStart(6)}  ${r.node}`);
  });
  lines.push(`Spearman(predicted, measured) = ${spearman(rows.map((r) => r.predicted), rows.map((r) => r.measured)).toFixed(3)} over ${rows.length} kernel calls`);
  return lines.join("\n");
}
