import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaseOutcome } from "./onnx-backend.js";

/** The suite report: counts, failed cases with reasons, unsupported ops, and the split-suite sums. */

export interface SuiteCounts {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
}

export function countOutcomes(outcomes: readonly CaseOutcome[]): SuiteCounts {
  const count = (s: CaseOutcome["status"]): number => outcomes.filter((o) => o.status === s).length;
  return { passed: count("passed"), failed: count("failed"), unsupported: count("unsupported") };
}

/** `label: N passed, M failed, K unsupported` (the issue's report line). */
export function countsLine(label: string, c: SuiteCounts): string {
  return `${label}: ${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported`;
}

/** Share of supported cases that pass (1 when nothing is supported, so it never divides by 0). */
export function passRate(c: SuiteCounts): number {
  const supported = c.passed + c.failed;
  return supported === 0 ? 1 : c.passed / supported;
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
  const byOp = new Map<string, number>();
  for (const o of outcomes) if (o.status === "unsupported") for (const op of o.ops) byOp.set(op, (byOp.get(op) ?? 0) + 1);
  if (byOp.size > 0) {
    const sorted = [...byOp].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`  unsupported ops (cases using them): ${sorted.map(([op, n]) => `${op}×${n}`).join(", ")}`);
  }
  return lines.join("\n");
}

/** Where one suite file leaves its counts, so that the halves of a split suite can be summed. */
interface CountsRecord extends SuiteCounts {
  readonly label: string;
  /** The vitest process both forks of one run share; records of other runs are ignored. */
  readonly runId: number;
}

function countsFile(label: string): string {
  return join(tmpdir(), `egret-conformance-${label}.json`);
}

export function writeCounts(label: string, counts: SuiteCounts): void {
  const record: CountsRecord = { label, runId: process.ppid, ...counts };
  writeFileSync(countsFile(label), `${JSON.stringify(record, null, 2)}\n`);
}

/** The counts another file of this same run wrote, or undefined when it has not finished. */
export function readCounts(label: string): SuiteCounts | undefined {
  try {
    const record = JSON.parse(readFileSync(countsFile(label), "utf8")) as CountsRecord;
    return record.runId === process.ppid ? record : undefined;
  } catch {
    return undefined;
  }
}

export function addCounts(a: SuiteCounts, b: SuiteCounts): SuiteCounts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, unsupported: a.unsupported + b.unsupported };
}
