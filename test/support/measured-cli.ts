import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHILD_TIMEOUT_MS } from "./timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");

/**
 * Runs a child and reports its exit code, wall time, CPU time and peak resident memory as the
 * kernel measured them: Python waits for the child and reads getrusage(RUSAGE_CHILDREN) (user +
 * system seconds; ru_maxrss in KiB on Linux), which also covers a child killed by an abort. A
 * child still running after `timeoutSeconds` of wall time is killed and reported with code null.
 */
const WRAPPER = `
import json, resource, subprocess, sys, time
start = time.monotonic()
try:
    code = subprocess.run(sys.argv[3:], timeout=float(sys.argv[2])).returncode
except subprocess.TimeoutExpired:
    code = None
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"code": code, "seconds": time.monotonic() - start, "cpuSeconds": usage.ru_utime + usage.ru_stime,
           "maxRssKiB": usage.ru_maxrss}, open(sys.argv[1], "w"))
`;

export interface MeasuredRun {
  /** Exit code; null when the child was killed (timeout or signal). */
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  /** Wall time: depends on the machine's load as much as on the child. */
  readonly seconds: number;
  /** User + system CPU time of the child: the work it did, whatever the load. */
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
}

/** Asynchronous, so the test worker stays responsive while the child runs. */
export async function runMeasured(command: readonly string[], timeoutSeconds = CHILD_TIMEOUT_MS / 1000): Promise<MeasuredRun> {
  const dir = mkdtempSync(join(tmpdir(), "egret-measure-"));
  try {
    const report = join(dir, "report.json");
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile("/usr/bin/python3", ["-c", WRAPPER, report, String(timeoutSeconds), ...command], { encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      });
    });
    if (r.status !== 0) throw new Error(`the measuring wrapper failed (status ${r.status}): ${r.stderr}`);
    const m = JSON.parse(readFileSync(report, "utf8")) as { code: number | null; seconds: number; cpuSeconds: number; maxRssKiB: number };
    return { code: m.code !== null && m.code < 0 ? null : m.code, out: r.stdout, err: r.stderr, seconds: m.seconds, cpuSeconds: m.cpuSeconds, maxRssMiB: m.maxRssKiB / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `node bin/egret.js ARGS` measured (run `npm run build` first: the CLI is compiled TypeScript). */
export function egretMeasured(...args: string[]): Promise<MeasuredRun> {
  return runMeasured(["node", EGRET, ...args]);
}
