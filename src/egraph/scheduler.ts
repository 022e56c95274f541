import type { EGraph } from "./egraph.js";
import type { Match } from "./match.js";
import type { Rewrite } from "./rewrite.js";

/** Decides which rules search in an iteration (egg's `RewriteScheduler`). */
export interface RewriteScheduler {
  /** Matches of `rule` in this iteration; [] when the rule is banned (see `isBanned`). */
  search<D>(iteration: number, egraph: EGraph<D>, rule: Rewrite<D>): Match[];
  /** Whether `rule` sat out `iteration`. */
  isBanned(iteration: number, ruleName: string): boolean;
  /**
   * Called when an iteration changed nothing. True lets the runner report saturation; a
   * scheduler with banned rules returns false (and may shorten the bans) so they get to run.
   */
  canStop(iteration: number): boolean;
}

/** Every rule searches every iteration. */
export class SimpleScheduler implements RewriteScheduler {
  search<D>(_iteration: number, egraph: EGraph<D>, rule: Rewrite<D>): Match[] {
    return rule.searcher.search(egraph);
  }
  isBanned(): boolean {
    return false;
  }
  canStop(): boolean {
    return true;
  }
}

export interface BackoffOptions {
  /** Matches a rule may produce in one iteration before it is banned (egg: 1000). */
  readonly matchLimit?: number;
  /** Iterations of the first ban (egg: 5). */
  readonly banLength?: number;
}

interface RuleBackoff {
  timesBanned: number;
  /** The rule may search again from this iteration on. */
  bannedUntil: number;
}

/**
 * egg's `BackoffScheduler`: a rule whose matches exceed `matchLimit * 2^timesBanned` is banned
 * for `banLength * 2^timesBanned` iterations and its matches are dropped, so an explosive rule
 * (commutativity, associativity) cannot flood the graph, yet gets more room each time it returns.
 */
export class BackoffScheduler implements RewriteScheduler {
  readonly matchLimit: number;
  readonly banLength: number;
  private readonly stats = new Map<string, RuleBackoff>();

  constructor(options: BackoffOptions = {}) {
    this.matchLimit = options.matchLimit ?? 1000;
    this.banLength = options.banLength ?? 5;
  }

  /** The match count above which `ruleName` is banned next time it searches. */
  threshold(ruleName: string): number {
    return this.matchLimit * 2 ** this.statsOf(ruleName).timesBanned;
  }

  timesBanned(ruleName: string): number {
    return this.statsOf(ruleName).timesBanned;
  }

  isBanned(iteration: number, ruleName: string): boolean {
    return iteration < this.statsOf(ruleName).bannedUntil;
  }

  search<D>(iteration: number, egraph: EGraph<D>, rule: Rewrite<D>): Match[] {
    const stats = this.statsOf(rule.name);
    if (iteration < stats.bannedUntil) return [];
    const threshold = this.threshold(rule.name);
    // One match past the threshold is enough to decide: don't enumerate an explosion.
    const matches = rule.searcher.search(egraph, threshold + 1);
    if (matches.length <= threshold) return matches;
    stats.bannedUntil = iteration + this.banLength * 2 ** stats.timesBanned;
    stats.timesBanned += 1;
    return [];
  }

  canStop(iteration: number): boolean {
    const banned = [...this.stats.values()].filter((stats) => stats.bannedUntil > iteration);
    if (banned.length === 0) return true;
    // Nothing else can change the graph: bring the earliest ban forward to the next iteration.
    const delta = Math.min(...banned.map((stats) => stats.bannedUntil)) - (iteration + 1);
    for (const stats of banned) stats.bannedUntil -= delta;
    return false;
  }

  private statsOf(ruleName: string): RuleBackoff {
    let stats = this.stats.get(ruleName);
    if (stats === undefined) this.stats.set(ruleName, (stats = { timesBanned: 0, bannedUntil: 0 }));
    return stats;
  }
}
