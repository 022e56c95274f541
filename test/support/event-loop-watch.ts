// Keeps long synchronous tests from failing the run, and names them. vitest's worker talks to the
// main process over an RPC with a fixed 60 s reply limit; a synchronous stretch longer than that (an
// in-process compile of a big model, a blocking child process) on a loaded machine made the run end
// with "Timeout calling onTaskUpdate" although every test passed. Each test now starts only once the
// reply to its start update is read (replyRead), and any stretch over 15 s is reported by name: long
// work still belongs in a child process awaited asynchronously (test/support/c-run.ts
// buildAndRunAsync, test/support/processes.ts), which keeps the suite fast as well as safe.
import { afterEach, beforeAll, beforeEach, expect } from "vitest";

const TICK_MS = 1_000;
// Well under the RPC's 60 s, so a stretch is named on a quiet machine before it fails a loaded one.
const REPORT_BLOCKED_MS = 15_000;

// Outside a test (a beforeAll hook, module loading), the file is all there is to name.
const outside = `${expect.getState().testPath ?? "?"} (outside a test)`;
let current = outside;
let lastTick = Date.now();

/** Reports the time since the last tick beyond one tick period, blamed on whatever ran meanwhile. */
function check(): void {
  const now = Date.now();
  const blocked = now - lastTick - TICK_MS;
  if (blocked > REPORT_BLOCKED_MS) {
    process.stderr.write(`event-loop-watch: the event loop was blocked for ${(blocked / 1000).toFixed(1)} s in ${current}\n`);
  }
  lastTick = now;
}

setInterval(check, TICK_MS).unref();

/**
 * Resolves when the next message from vitest's main process arrives (or after `capMs`). vitest sends
 * an update as each test or file starts and gives up if the worker does not read the reply within
 * 60 s; a test that then runs synchronously for a minute on a loaded machine would fail the run
 * although it passed. Reading that reply before the test body starts leaves nothing in flight.
 * In the forks pool the replies arrive as process messages; elsewhere a short pause stands in.
 */
function replyRead(capMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off("message", done);
      resolve();
    };
    const timer = setTimeout(done, process.send === undefined ? 250 : capMs);
    if (process.send !== undefined) process.on("message", done);
  });
}

const REPLY_CAP_MS = 2_000;

beforeAll(() => replyRead(REPLY_CAP_MS));

beforeEach(async (ctx) => {
  await replyRead(REPLY_CAP_MS);
  check();
  current = `${ctx.task.file?.name ?? "?"} > ${ctx.task.name}`;
});
afterEach(() => {
  check();
  current = outside;
});
