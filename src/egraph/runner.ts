import type { EGraph } from "./egraph.js";
import type { Match } from "./match.js";
import { checkUniqueRuleNames, type Rewrite } from "./rewrite.js";
import { BackoffScheduler, type RewriteScheduler } from "./scheduler.js";

export type StopReason = "saturated" | "iteration-limit" | "node-limit" | "time-limit";

export interface RunnerLimits {
  readonly iterations: number;
  /** Stop once the e-graph holds more than this many e-nodes. */
  readonly nodes: number;
  readonly timeMs: number;
}

/** egg's defaults. */
export const defaultRunnerLimits: RunnerLimits = { iterations: 30, nodes: 10_000, timeMs: 5_000 };

export interface RuleIterationStats {
  readonly name: string;
  /** Matches found by the search (0 when banned). */
  readonly matches: number;
  /** Matches whose application changed the graph (a union that merged two classes). */
  readonly applied: number;
  readonly banned: boolean;
}

export interface IterationReport {
  readonly iteration: number;
  /** Size after this iteration's rebuild. */
  readonly nodes: number;
  readonly classes: number;
  readonly rules: readonly RuleIterationStats[];
  /** Unions performed by the rebuild (congruence and analysis), not by rules. */
  readonly rebuildUnions: number;
  readonly searchMs: number;
  readonly applyMs: number;
  readonly rebuildMs: number;
  readonly totalMs: number;
}

export interface RunReport {
  readonly stopReason: StopReason;
  readonly iterations: readonly IterationReport[];
  readonly totalMs: number;
}

export interface RunOptions {
  readonly limits?: Partial<RunnerLimits>;
  /** Default: a fresh `BackoffScheduler` with egg's settings. */
  readonly scheduler?: RewriteScheduler;
  /** Clock in milliseconds; injectable so time limits can be tested deterministically. */
  readonly now?: () => number;
}

/**
 * Equality saturation: each iteration searches every (unbanned) rule on the clean graph, then
 * applies all matches, then rebuilds once. Stops when an iteration changes nothing and the
 * scheduler agrees ("saturated"), or when a limit is reached; limits are checked before each
 * iteration, after each rule's search (time) and after each rule's applications (time, nodes).
 * The e-graph is always left clean.
 */
export function saturate<D>(egraph: EGraph<D>, rules: readonly Rewrite<D>[], options: RunOptions = {}): RunReport {
  checkUniqueRuleNames(rules);
  const limits: RunnerLimits = { ...defaultRunnerLimits, ...options.limits };
  const scheduler = options.scheduler ?? new BackoffScheduler();
  const now = options.now ?? (() => performance.now());
  const start = now();
  const outOfTime = (): boolean => now() - start >= limits.timeMs;
  egraph.rebuild();

  const iterations: IterationReport[] = [];
  let stopReason: StopReason | undefined;
  while (stopReason === undefined) {
    const iteration = iterations.length;
    if (iteration >= limits.iterations) stopReason = "iteration-limit";
    else if (egraph.nodeCount > limits.nodes) stopReason = "node-limit";
    else if (outOfTime()) stopReason = "time-limit";
    if (stopReason !== undefined) break;

    const iterationStart = now();
    const nodesBefore = egraph.nodeCount;
    const classesBefore = egraph.classCount;
    const found: Match[][] = [];
    for (const rule of rules) {
      if (stopReason !== undefined) break;
      found.push(scheduler.search(iteration, egraph, rule));
      if (outOfTime()) stopReason = "time-limit";
    }

    const searchEnd = now();
    const applied = rules.map(() => 0);
    for (const [index, matches] of found.entries()) {
      if (stopReason !== undefined) break;
      const rule = rules[index];
      if (rule === undefined) continue;
      applied[index] = applyMatches(egraph, rule, matches);
      if (egraph.nodeCount > limits.nodes) stopReason = "node-limit";
      else if (outOfTime()) stopReason = "time-limit";
    }

    const applyEnd = now();
    const rebuildUnions = egraph.rebuild();
    const end = now();
    const totalApplied = applied.reduce((sum, n) => sum + n, 0);
    iterations.push({
      iteration,
      nodes: egraph.nodeCount,
      classes: egraph.classCount,
      rules: rules.map((rule, index) => ({
        name: rule.name,
        matches: found[index]?.length ?? 0,
        applied: applied[index] ?? 0,
        banned: scheduler.isBanned(iteration, rule.name),
      })),
      rebuildUnions,
      searchMs: searchEnd - iterationStart,
      applyMs: applyEnd - searchEnd,
      rebuildMs: end - applyEnd,
      totalMs: end - iterationStart,
    });
    const unchanged = totalApplied === 0 && egraph.nodeCount === nodesBefore && egraph.classCount === classesBefore;
    if (stopReason === undefined && unchanged && scheduler.canStop(iteration)) stopReason = "saturated";
  }
  return { stopReason, iterations, totalMs: now() - start };
}

/** Applies one rule's matches (guard first) and returns how many changed the graph. */
function applyMatches<D>(egraph: EGraph<D>, rule: Rewrite<D>, matches: readonly Match[]): number {
  let changed = 0;
  for (const match of matches) {
    if (rule.guard !== undefined && !rule.guard(match.subst, egraph)) continue;
    const result = rule.apply(egraph, match);
    if (result !== undefined && egraph.union(match.classId, result)) changed++;
  }
  return changed;
}
