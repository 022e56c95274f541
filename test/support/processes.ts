import { spawn, type ChildProcess } from "node:child_process";

/** How a spawned process ended, and how it was treated. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** SIGSTOPs it received (0 when not throttled). */
  readonly stops: number;
}

export interface DutyCycle {
  /** Milliseconds the process may run in each period. */
  readonly runMs: number;
  readonly periodMs: number;
}

/** Processes still alive, so a failed or timed-out test can kill them instead of leaving them stopped. */
const live = new Set<ChildProcess>();

/** SIGKILLs every process `runProcess` started that has not exited yet. */
export function killLiveProcesses(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/**
 * Runs `node ARGS`. With a duty cycle, the process is stopped (SIGSTOP) from the start and resumed
 * (SIGCONT) for `runMs` of every `periodMs`, so it gets about runMs/periodMs of a core however
 * idle the machine is: a CPU-starved compile, as on a loaded CI machine, but worse.
 */
export function runProcess(args: readonly string[], duty?: DutyCycle): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn("node", [...args], { stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let stops = 0;
    let exited = false;
    // kill() on a process that has exited returns false (no pid is reused while Node holds the handle).
    const send = (signal: NodeJS.Signals): void => {
      if (!exited) child.kill(signal);
    };
    let timer: NodeJS.Timeout | undefined;
    if (duty !== undefined) {
      send("SIGSTOP");
      stops++;
      timer = setInterval(() => {
        send("SIGCONT");
        setTimeout(() => {
          if (exited) return;
          send("SIGSTOP");
          stops++;
        }, duty.runMs);
      }, duty.periodMs);
    }
    child.on("error", (e) => {
      exited = true;
      clearInterval(timer);
      live.delete(child);
      reject(e);
    });
    child.on("exit", () => (exited = true));
    // "close" follows "exit" once the output streams are drained.
    child.on("close", (code) => {
      exited = true;
      clearInterval(timer);
      live.delete(child);
      resolve({ code, stdout, stderr, wallMs: performance.now() - start, stops });
    });
  });
}

/** Runs `tasks` with at most `width` of them at a time; results in task order. */
export async function inPool<T>(tasks: ReadonlyArray<() => Promise<T>>, width: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}
