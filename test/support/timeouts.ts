/**
 * Time limits in tests are hang guards, never speed checks (speed goals live in bench/). They must
 * hold on a loaded 2-core CI machine, where a compile, a sanitizer build or a QEMU run can take ten
 * times as long as on an idle one, so they are generous; the per-test limit is vitest's
 * `testTimeout` (vitest.config.ts), which no test lowers.
 */

/** A child process (the CLI, a generated runner, a script) still running after this long is hung. */
export const CHILD_TIMEOUT_MS = 600_000;
