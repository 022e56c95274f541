import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Time limits are hang guards, not speed checks (test/support/timeouts.ts): a test may take ten
    // times its idle time on a loaded 2-core machine, so no test sets a lower limit of its own.
    testTimeout: 900_000,
    // Names any test that blocks its worker's event loop for long (vitest's RPC gives up after 60 s).
    setupFiles: ["test/support/event-loop-watch.ts"],
    hookTimeout: 600_000,
    // Conformance suites compile C with gcc; two workers match the 2-core CI machine.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
