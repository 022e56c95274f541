import { expect, it } from "vitest";
import { halfOf, runCases, suiteCases, type SuiteName } from "./onnx-backend.js";
import { addCounts, countOutcomes, countsLine, formatReport, passRate, readCounts, writeCounts } from "./report.js";

export interface SuiteTestOptions {
  readonly suite: SuiteName;
  /** For a suite split over two files: which half this file runs. */
  readonly half?: 0 | 1;
  /** Required share of supported cases that pass; absent = report only. */
  readonly minPassRate?: number;
}

/** Ten minutes: a suite half runs a few hundred gcc builds on a 2-core machine. */
const SUITE_TIMEOUT_MS = 600_000;

/**
 * Declares the test of one suite file: runs the cases, prints the report and asserts the bar.
 * Every case must be classified; a generated runner killed by a signal fails the test whatever
 * the pass rate, since a crash is never an acceptable numeric difference.
 */
export function conformanceTest(options: SuiteTestOptions): void {
  const { suite, half, minPassRate } = options;
  const label = half === undefined ? suite : `${suite}-${half === 0 ? "a" : "b"}`;
  const goal = minPassRate === undefined ? "reports every case without crashing" : `passes >= ${minPassRate * 100}% of supported cases`;
  it(`ONNX backend suite ${label} ${goal}`, async () => {
    const all = suiteCases(suite);
    const cases = half === undefined ? all : halfOf(all, half);
    const outcomes = await runCases(suite, cases);
    const counts = countOutcomes(outcomes);
    console.log(formatReport(label, outcomes));
    if (half !== undefined) {
      writeCounts(label, counts);
      const other = readCounts(`${suite}-${half === 0 ? "b" : "a"}`);
      // The half that finishes second prints the whole suite's line.
      if (other) console.log(countsLine(suite, addCounts(counts, other)));
    }
    expect(counts.passed + counts.failed + counts.unsupported).toBe(cases.length);
    const crashed = outcomes.filter((o) => o.status === "failed" && o.crashed).map((o) => o.name);
    expect(crashed, "generated runners that crashed").toEqual([]);
    if (minPassRate !== undefined) {
      expect(passRate(counts), `${countsLine(label, counts)}: pass rate of supported cases`).toBeGreaterThanOrEqual(minPassRate);
    }
  }, SUITE_TIMEOUT_MS);
}
