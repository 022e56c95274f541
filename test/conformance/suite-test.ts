import { expect, it } from "vitest";
import { sharedSkipNote } from "../support/shared-skip.js";
import { runCases } from "./onnx-backend.js";
import { countOutcomes, countsLine, formatReport, passRate, readPart, splitLines, writePart, type PartOutcome } from "./report.js";
import { caseFilter, FILTER_ENV, partOf, suiteCases, suiteDir, type SuiteName } from "./suites.js";

export interface SuiteTestOptions {
  readonly suite: SuiteName;
  /** For a suite split over several files: which contiguous part (by sorted case name) this file runs. */
  readonly part?: { readonly index: number; readonly count: number };
  /** Required share of supported cases that pass; absent = report only. */
  readonly minPassRate?: number;
  /**
   * The newest suite: required share of its supported NEW cases (not in Debian's suite) that
   * pass, checked by the part that completes the whole suite.
   */
  readonly minNewPassRate?: number;
}

/**
 * A hang guard, not a speed goal: a part runs about 300 gcc builds, a few minutes on two idle
 * cores but several times that on a shared, oversubscribed machine. The CI budget (30 minutes
 * for everything) is checked by measuring the run, not by this timeout.
 */
const SUITE_TIMEOUT_MS = 1_800_000;

const PART_LETTERS = "abcdefgh";

/**
 * Declares the test of one suite file: runs the cases, prints the report and asserts the bar.
 * Every case must be classified; a generated runner killed by a signal fails the test whatever
 * the pass rate, since a crash is never an acceptable numeric difference.
 *
 * `EGRET_CONFORMANCE_FILTER=<regexp>` runs only the cases whose names match (to work on a few
 * ops); such a run prints its counts but asserts no pass-rate bar and writes no part record.
 */
export function conformanceTest(options: SuiteTestOptions): void {
  const { suite, part, minPassRate, minNewPassRate } = options;
  const label = part === undefined ? suite : `${suite}-${PART_LETTERS[part.index]}`;
  const goal = minPassRate === undefined ? "reports every case without crashing" : `passes >= ${minPassRate * 100}% of supported cases`;
  const title = `ONNX backend suite ${label} ${goal}`;
  if (suiteDir(suite) === undefined) {
    // Counted as skipped, with the reason as its note: a clone without ../shared never reads greener.
    it(`${title} (needs ../shared)`, (ctx) => ctx.skip(sharedSkipNote(`conformance suite ${label}`)));
    return;
  }
  it(title, async () => {
    const all = suiteCases(suite);
    const mine = part === undefined ? all : partOf(all, part.index, part.count);
    const filter = caseFilter();
    const cases = filter ? mine.filter((c) => filter.test(c)) : mine;
    if (filter) console.log(`${label}: ${FILTER_ENV}=${filter.source} selects ${cases.length} of ${mine.length} cases (no pass-rate bar under a filter)`);
    const outcomes = await runCases(suite, cases);
    const counts = countOutcomes(outcomes);
    console.log(formatReport(label, outcomes));
    if (!filter && part !== undefined) {
      writePart(label, outcomes);
      const whole = wholeSuite(suite, part.count);
      // The part that finishes last prints the whole suite's lines and checks the new-case bar.
      if (whole) {
        console.log(wholeSuiteLines(suite, whole).join("\n"));
        if (minNewPassRate !== undefined) {
          const fresh = countOutcomes(newCases(whole));
          expect(passRate(fresh), `${countsLine(`${suite} new cases`, fresh)}: pass rate of supported new cases`).toBeGreaterThanOrEqual(minNewPassRate);
        }
      }
    }
    expect(counts.passed + counts.failed + counts.unsupported).toBe(cases.length);
    const crashed = outcomes.filter((o) => o.status === "failed" && o.crashed).map((o) => o.name);
    expect(crashed, "generated runners that crashed").toEqual([]);
    if (minPassRate !== undefined && !filter) {
      expect(passRate(counts), `${countsLine(label, counts)}: pass rate of supported cases`).toBeGreaterThanOrEqual(minPassRate);
    }
  }, SUITE_TIMEOUT_MS);
}

/** Every part's outcomes of this run, or undefined while some part has not finished. */
function wholeSuite(suite: SuiteName, count: number): PartOutcome[] | undefined {
  const parts = Array.from({ length: count }, (_, i) => readPart(`${suite}-${PART_LETTERS[i]}`));
  return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
}

/** The cases of the newest suite that Debian's node suite does not have. */
function newCases(outcomes: readonly PartOutcome[]): PartOutcome[] {
  const older = new Set(suiteCases("node"));
  return outcomes.filter((o) => !older.has(o.name));
}

/** The whole suite's line; for the newest suite also its split against Debian's node suite. */
function wholeSuiteLines(suite: SuiteName, outcomes: readonly PartOutcome[]): string[] {
  const lines = [countsLine(suite, countOutcomes(outcomes))];
  if (suite === "node-latest") lines.push(...splitLines(suite, outcomes, new Set(suiteCases("node")), "Debian's node suite"));
  return lines;
}
