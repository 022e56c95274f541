/**
 * Runs the egret CLI as a separate process and classifies how it ended. A separate process is the
 * point: a V8 abort, an out-of-memory death or an endless loop ends only that process, and the
 * campaign sees it as a crash or a hang instead of dying with it.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";

export const EGRET_BIN = join(PACKAGE_ROOT, "bin", "egret.js");

/** clean: exit 1 with one `egret: error:` message; internal: exit 70 or an uncaught exception. */
export type Outcome = "success" | "clean-error" | "internal-error" | "crash" | "hang";
export const OUTCOMES: readonly Outcome[] = ["success", "clean-error", "internal-error", "crash", "hang"];

export interface CliResult {
  readonly outcome: Outcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The first lines of stderr, enough to say what went wrong. */
  readonly stderrHead: string;
  readonly ms: number;
}

/** stderr is kept up to this many bytes: a crash report needs its first lines, not megabytes. */
const STDERR_LIMIT = 64 * 1024;

export function classify(exitCode: number | null, signal: string | null, stderr: string, timedOut: boolean): Outcome {
  if (timedOut) return "hang";
  // V8 aborts (heap OOM, CHECK failures) print "FATAL ERROR" and die by SIGABRT; a signal is a crash.
  if (signal !== null || /FATAL ERROR|Aborted|Segmentation fault/.test(stderr)) return "crash";
  if (exitCode === 0) return "success";
  if (exitCode === 70 || /internal error/i.test(stderr)) return "internal-error";
  // Anything else but Egret's own one-line error (an uncaught exception, a stack trace) is internal too.
  const clean = exitCode === 1 && stderr.startsWith("egret: error:") && !/\n\s+at /.test(stderr);
  if (clean) return "clean-error";
  return exitCode !== null && exitCode > 128 ? "crash" : "internal-error";
}

/** Runs `node bin/egret.js ...args`, killing the process group after `timeoutMs`. */
export function runEgret(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [EGRET_BIN, ...args], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    let timedOut = false;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      // The child leads its own group (detached): end it and anything it started, by id.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const outcome = classify(code, timedOut ? null : signal, stderr, timedOut);
      resolve({ outcome, exitCode: code, signal, stderrHead: stderr.split("\n").slice(0, 6).join("\n"), ms: Date.now() - started });
    });
  });
}
