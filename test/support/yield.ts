/**
 * Lets the worker's event loop run between long synchronous stages of one test. vitest's worker
 * sends the main process an update as each test starts and fails the run ("Timeout calling
 * onTaskUpdate") when the reply is not read within 60 s; a reply that arrived during a synchronous
 * stage is read here, so only the first stage of a test must stay short. Await it after a short first
 * stage (an import) and between stages that each take tens of seconds on a loaded machine.
 * The pause is not instant because an update vitest deferred during the stage is sent as soon as the
 * loop runs; its reply must be read before the next stage blocks again (it takes milliseconds).
 */
const REPLY_WAIT_MS = 100;

export function letWorkerTalk(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, REPLY_WAIT_MS));
}
