import type { EGraph } from "./egraph.js";
import type { Match } from "./match.js";
import { checkUniqueRuleNames, type Rewrite } from "./rewrite.js";
import { NO_SAFETY_NET, type SafetyNet } from "./safety-net.js";
import { BackoffScheduler, type RewriteScheduler } from "./scheduler.js";

/** Why saturation stopped. Every reason is a count of work, never of time: it does not depend on the machine. */
export type StopReason = "saturated" | "iteration-limit" | "node-limit" | "application-limit";

export interface RunnerLimits {
  readonly iterations: number;
  /** Stop once the e-graph holds more than this many e-nodes. */
  readonly nodes: number;
  /**
   * Stop once this many rule applications (matches whose guard passed and whose right-hand side
   * was built) have been made over the whole run; the last iteration is cut short mid-rule.
   */
  readonly applications: number;
}

/** egg's iteration and node defaults; applications are not limited separately. */
export const defaultRunnerLimits: RunnerLimits = { iterations: 30, nodes: 10_000, applications: Infinity };

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

/** The work a run did, in the units its limits count (identical on every machine for the same input). */
export interface RunWork {
  readonly iterations: number;
  /** E-nodes and e-classes when the run stopped. */
  readonly nodes: number;
  readonly classes: number;
  /** Matches the searches returned. */
  readonly matches: number;
  /** Matches whose guard passed and whose right-hand side was built (what `limits.applications` counts). */
  readonly applications: number;
}

export interface RunReport {
  readonly stopReason: StopReason;
  readonly iterations: readonly IterationReport[];
  readonly work: RunWork;
  /** Wall-clock milliseconds: reported, never used to decide anything. */
  readonly totalMs: number;
}

export interface RunOptions {
  readonly limits?: Partial<RunnerLimits>;
  /** Default: a fresh `BackoffScheduler` with egg's settings. */
  readonly scheduler?: RewriteScheduler;
  /** Checked after each rule's search and each rule's applications; it may only throw (default: none). */
  readonly safetyNet?: SafetyNet;
  /** Clock in milliseconds for the reported timings; injectable for tests. */
  readonly now?: () => number;
  /** Called after each iteration's rebuild with its report (progress display; may not change the graph). */
  readonly onIteration?: (iteration: IterationReport) => void;
}

/**
 * Equality saturation: each iteration searches every (unbanned) rule on the clean graph, then
 * applies all matches, then rebuilds once. Stops when an iteration changes nothing and the
 * scheduler agrees ("saturated"), or when a work limit is reached; limits are checked before each
 * iteration (iterations, nodes, applications), after each rule's applications (nodes) and before
 * each application (applications). The e-graph is always left clean.
 */
export function saturate<D>(egraph: EGraph<D>, rules: readonly Rewrite<D>[], options: RunOptions = {}): RunReport {
  checkUniqueRuleNames(rules);
  const limits: RunnerLimits = { ...defaultRunnerLimits, ...options.limits };
  const scheduler = options.scheduler ?? new BackoffScheduler();
  const safetyNet = options.safetyNet ?? NO_SAFETY_NET;
  const now = options.now ?? (() => performance.now());
  const start = now();
  egraph.rebuild();

  const iterations: IterationReport[] = [];
  const work = { matches: 0, applications: 0 };
  let stopReason: StopReason | undefined;
  while (stopReason === undefined) {
    const iteration = iterations.length;
    if (iteration >= limits.iterations) stopReason = "iteration-limit";
    else if (egraph.nodeCount > limits.nodes) stopReason = "node-limit";
    else if (work.applications >= limits.applications) stopReason = "application-limit";
    if (stopReason !== undefined) break;

    const iterationStart = now();
    const nodesBefore = egraph.nodeCount;
    const classesBefore = egraph.classCount;
    const found: Match[][] = [];
    for (const rule of rules) {
      const matches = scheduler.search(iteration, egraph, rule);
      work.matches += matches.length;
      found.push(matches);
      safetyNet.check();
    }

    const searchEnd = now();
    const applied = rules.map(() => 0);
    for (const [index, matches] of found.entries()) {
      if (stopReason !== undefined) break;
      const rule = rules[index];
      if (rule === undefined) continue;
      const result = applyMatches(egraph, rule, matches, limits.applications - work.applications);
      applied[index] = result.changed;
      work.applications += result.applications;
      safetyNet.check();
      if (egraph.nodeCount > limits.nodes) stopReason = "node-limit";
      else if (result.cut) stopReason = "application-limit";
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
    options.onIteration?.(iterations[iterations.length - 1]!);
    const unchanged = totalApplied === 0 && egraph.nodeCount === nodesBefore && egraph.classCount === classesBefore;
    if (stopReason === undefined && unchanged && scheduler.canStop(iteration)) stopReason = "saturated";
  }
  return {
    stopReason,
    iterations,
    work: { iterations: iterations.length, nodes: egraph.nodeCount, classes: egraph.classCount, ...work },
    totalMs: now() - start,
  };
}

/**
 * Applies one rule's matches (guard first), at most `budget` of them. Returns how many changed
 * the graph, how many were applied, and whether the budget cut the list short.
 */
function applyMatches<D>(egraph: EGraph<D>, rule: Rewrite<D>, matches: readonly Match[], budget: number): { changed: number; applications: number; cut: boolean } {
  let changed = 0;
  let applications = 0;
  for (const match of matches) {
    if (rule.guard !== undefined && !rule.guard(match.subst, egraph)) continue;
    if (applications >= budget) return { changed, applications, cut: true };
    applications++;
    const result = rule.apply(egraph, match);
    if (result !== undefined && egraph.union(match.classId, result)) changed++;
  }
  return { changed, applications, cut: false };
}
