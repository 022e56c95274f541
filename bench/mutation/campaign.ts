/**
 * The mutation campaign: N mutated files over the formats, each run through the CLI in its own
 * process (`info`, then `compile` or, for kmodels, `run` when `info` succeeded), at most `jobs`
 * at a time. A run that exceeds the timeout is run again with three times the timeout before it
 * counts as a hang, so a loaded machine does not invent hangs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { availableBases, FORMATS, type Format } from "./bases.js";
import { CaseFactory, type CaseId, type MaterializedCase } from "./cases.js";
import { runEgret, type CliResult, type Outcome } from "./run-cli.js";

export interface CampaignOptions {
  readonly seed: number;
  /** Cases per format. */
  readonly counts: Readonly<Partial<Record<Format, number>>>;
  readonly jobs: number;
  readonly timeoutMs: number;
  /** Called after every case (progress). */
  readonly onCase?: (result: CaseResult, done: number, total: number) => void;
}

export interface RunRecord {
  readonly command: string[];
  readonly result: CliResult;
  /** Set when the first attempt timed out and the longer rerun finished. */
  readonly slow?: boolean;
}

export interface CaseResult {
  readonly case: MaterializedCase;
  readonly runs: RunRecord[];
  /** The case's outcome: the first non-clean run's, else the last run's. */
  readonly outcome: Outcome;
}

export interface CampaignResult {
  readonly seed: number;
  readonly cases: CaseResult[];
  readonly runs: number;
  readonly ms: number;
  readonly missingFormats: Format[];
}

const isBad = (o: Outcome): boolean => o === "internal-error" || o === "crash" || o === "hang";

async function runConfirmed(command: string[], timeoutMs: number): Promise<RunRecord> {
  const first = await runEgret(command, timeoutMs);
  if (first.outcome !== "hang") return { command, result: first };
  const again = await runEgret(command, 3 * timeoutMs);
  return { command, result: again, ...(again.outcome === "hang" ? {} : { slow: true }) };
}

async function runCase(c: MaterializedCase, timeoutMs: number): Promise<CaseResult> {
  const runs = [await runConfirmed(c.info, timeoutMs)];
  if (runs[0]!.result.outcome === "success" && c.followUp !== undefined) runs.push(await runConfirmed(c.followUp, timeoutMs));
  const bad = runs.find((r) => isBad(r.result.outcome));
  return { case: c, runs, outcome: (bad ?? runs[runs.length - 1]!).result.outcome };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const bases = availableBases();
  const present = new Set(bases.map((b) => b.format));
  const missingFormats = FORMATS.filter((f) => (options.counts[f] ?? 0) > 0 && !present.has(f));
  const ids: CaseId[] = FORMATS.filter((f) => present.has(f)).flatMap((format) => Array.from({ length: options.counts[format] ?? 0 }, (_, index) => ({ format, index })));
  const workDir = mkdtempSync(join(tmpdir(), "egret-mutation-"));
  const factory = new CaseFactory(options.seed, bases, workDir);
  const cases: CaseResult[] = new Array(ids.length);
  let next = 0;
  let done = 0;
  try {
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const i = next++;
        const caseDir = mkdtempSync(join(workDir, "case-"));
        try {
          const result = await runCase(factory.materialize(ids[i]!, caseDir), options.timeoutMs);
          cases[i] = result;
          options.onCase?.(result, ++done, ids.length);
        } finally {
          rmSync(caseDir, { recursive: true, force: true });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return { seed: options.seed, cases, runs: cases.reduce((n, c) => n + c.runs.length, 0), ms: Date.now() - started, missingFormats };
}

/** Writes one case's file (and kmodel inputs) into `dir` and returns it, for replaying by hand. */
export function materializeForReplay(seed: number, id: CaseId, dir: string): MaterializedCase {
  return new CaseFactory(seed, availableBases(), dir).materialize(id, dir);
}

export const badCases = (r: CampaignResult): CaseResult[] => r.cases.filter((c) => isBad(c.outcome));
