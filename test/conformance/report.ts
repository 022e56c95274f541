import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaseOutcome } from "./onnx-backend.js";

/** The suite report: counts, pass rates, failed cases with reasons, unsupported ops, and part sums. */

export interface SuiteCounts {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
}

export function countOutcomes(outcomes: readonly Pick<CaseOutcome, "status">[]): SuiteCounts {
  const count = (s: CaseOutcome["status"]): number => outcomes.filter((o) => o.status === s).length;
  return { passed: count("passed"), failed: count("failed"), unsupported: count("unsupported") };
}

/** Share of supported cases that pass (1 when nothing is supported, so it never divides by 0). */
export function passRate(c: SuiteCounts): number {
  const supported = c.passed + c.failed;
  return supported === 0 ? 1 : c.passed / supported;
}

/** Share of all cases (unsupported ones included) that pass. */
export function passRateOfAll(c: SuiteCounts): number {
  const all = c.passed + c.failed + c.unsupported;
  return all === 0 ? 1 : c.passed / all;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** `label: N passed, M failed, K unsupported (P % of supported, Q % of all pass)`. */
export function countsLine(label: string, c: SuiteCounts): string {
  return `${label}: ${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported (${percent(passRate(c))} of supported, ${percent(passRateOfAll(c))} of all pass)`;
}

/** The full report: counts line, failed cases with reasons, unsupported ops by number of cases. */
export function formatReport(label: string, outcomes: readonly CaseOutcome[]): string {
  const lines = [countsLine(label, countOutcomes(outcomes))];
  const frozen = outcomes.flatMap((o) => (o.status === "passed" && o.frozen ? [`${o.name}[${o.frozen.join(",")}]`] : []));
  if (frozen.length > 0) {
    lines.push(`  passed with shape-like inputs frozen to the data set's values (${frozen.length}): ${frozen.join(" ")}`);
  }
  const fails = outcomes.filter((o) => o.status === "failed");
  if (fails.length > 0) {
    lines.push(`  failed (${fails.length}):`);
    for (const f of fails) lines.push(`    ${f.name}: ${f.reason}`);
  }
  const ops = unsupportedOps(outcomes);
  if (ops !== "") lines.push(`  unsupported ops (cases using them): ${ops}`);
  return lines.join("\n");
}

/** `Foo×12, Bar×3`: the ops that make cases unsupported, by number of cases. */
function unsupportedOps(outcomes: readonly CaseOutcome[]): string {
  const byOp = new Map<string, number>();
  for (const o of outcomes) if (o.status === "unsupported") for (const op of o.ops) byOp.set(op, (byOp.get(op) ?? 0) + 1);
  return [...byOp]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([op, n]) => `${op}×${n}`)
    .join(", ");
}

/**
 * The newest suite's split by case name: cases that Debian's older suite also has (a regression
 * check against it) and cases that are new (the opset 18+ forms, the new element types and ops).
 */
export function splitLines(label: string, outcomes: readonly Pick<CaseOutcome, "name" | "status">[], older: ReadonlySet<string>, olderLabel: string): string[] {
  const shared = outcomes.filter((o) => older.has(o.name));
  const fresh = outcomes.filter((o) => !older.has(o.name));
  return [
    countsLine(`${label}, ${shared.length} cases also in ${olderLabel}`, countOutcomes(shared)),
    countsLine(`${label}, ${fresh.length} new cases`, countOutcomes(fresh)),
  ];
}

/** One part's outcomes as a later part reads them back (names and statuses are all the sums need). */
export type PartOutcome = Pick<CaseOutcome, "name" | "status">;

/** Where one part of a suite leaves its outcomes, so that the last part to finish can sum them. */
interface PartRecord {
  readonly label: string;
  /** The vitest process all forks of one run share; records of other runs are ignored. */
  readonly runId: number;
  readonly outcomes: readonly PartOutcome[];
}

function partFile(label: string): string {
  return join(tmpdir(), `egret-conformance-${label}.json`);
}

export function writePart(label: string, outcomes: readonly CaseOutcome[]): void {
  const record: PartRecord = { label, runId: process.ppid, outcomes: outcomes.map(({ name, status }) => ({ name, status })) };
  writeFileSync(partFile(label), `${JSON.stringify(record)}\n`);
}

/** The outcomes another part of this same run wrote, or undefined when it has not finished. */
export function readPart(label: string): readonly PartOutcome[] | undefined {
  try {
    const record = JSON.parse(readFileSync(partFile(label), "utf8")) as PartRecord;
    return record.runId === process.ppid ? record.outcomes : undefined;
  } catch {
    return undefined;
  }
}
