import type { CompileSummary } from "../pipeline/compile.js";
import type { Target } from "../pipeline/target.js";
import type { EvaluatedCandidate } from "../optimizer/sram-select.js";

/**
 * What `--sram-budget` traded: the program extraction picks without a budget (the first candidate of
 * the selection, see optimize.ts) against the one that fits. Absent without a budget.
 */
export interface SramTrade {
  readonly budget: number;
  readonly unconstrained: EvaluatedCandidate;
  readonly chosen: EvaluatedCandidate;
  /** chosen.cost / unconstrained.cost: 1 when the unconstrained program already fits. */
  readonly costRatio: number;
}

export function sramTrade(summary: CompileSummary): SramTrade | undefined {
  const x = summary.optimizer?.extraction;
  const sram = x?.sram;
  const unconstrained = sram?.candidates[0];
  if (x === undefined || sram === undefined || unconstrained === undefined) return undefined;
  const chosen = sram.candidates.find((c) => c.label === x.used && c.arenaBytes === sram.arenaBytes) ?? unconstrained;
  return { budget: sram.budget, unconstrained, chosen, costRatio: unconstrained.cost === 0 ? 1 : chosen.cost / unconstrained.cost };
}

/** One line on the trade, printed after a compile with --sram-budget. */
export function formatSramTrade(t: SramTrade): string {
  const program = (c: EvaluatedCandidate) => `${c.label} (arena ${c.arenaBytes} B, predicted cost ${Math.round(c.cost)})`;
  if (t.chosen === t.unconstrained) return `--sram-budget ${t.budget}: the unconstrained program ${program(t.chosen)} fits; nothing traded`;
  return (
    `--sram-budget ${t.budget}: chose ${program(t.chosen)} over the unconstrained ${program(t.unconstrained)}: ` +
    `${t.unconstrained.arenaBytes - t.chosen.arenaBytes} B less arena for ${t.costRatio.toFixed(2)}x the predicted cost`
  );
}

/** The text closing lines of `egret compile`: what was written, the plan, the optimizer, how to build, run and fit it. */
export function printCompileSummary(outputDir: string, s: CompileSummary, target: Target, inputs: number, size: object | undefined): void {
  console.log(`wrote ${s.files.length} files to ${outputDir}: ${s.files.join(", ")}`);
  console.log(`arena ${s.arenaBytes} bytes (layer-wise bound ${s.arenaLowerBound}, this schedule's bound ${s.arenaScheduleBound}), weights ${s.weightsBytes} bytes, ${s.kernelCalls} kernel calls`);
  for (const line of s.targetLines ?? []) console.log(line);
  const o = s.optimizer;
  if (o !== undefined && o.stopReason !== "saturated") console.log(`optimizer: saturation stopped at the ${o.stopReason} after ${o.iterations} iterations (${o.nodes} e-nodes, ${o.work.ruleApplications} rule applications; --limit raises it)`);
  const x = o?.extraction;
  if (x !== undefined) console.log(`extraction: ${x.used}${x.dagStatus === undefined ? "" : ` (dag search: ${x.dagStatus})`}${x.sram === undefined ? "" : `, arena ${x.sram.arenaBytes} <= budget ${x.sram.budget} (${x.sram.candidates.length} candidates)`}${x.patchOffersStopped === undefined ? "" : `; patch offers stopped at the ${x.patchOffersStopped} (--limit raises it)`}`);
  const trade = sramTrade(s);
  if (trade !== undefined) console.log(formatSramTrade(trade));
  for (const line of target.runHint(outputDir, inputs, s, size)) console.log(line);
}
