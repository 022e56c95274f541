import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * scripts/run-tests.mjs on a small suite of its own: tests that need ../shared are counted as
 * skipped with their reason when it is absent (EGRET_SHARED_DIR points at a missing folder), and
 * run when it is there.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "egret-run-tests-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SAMPLE = `
import { describe, expect, it } from "vitest";
import { sharedForListing, sharedOrSkip } from ${JSON.stringify(join(ROOT, "test", "support", "shared-skip.js"))};

describe("sample", () => {
  it("needs nothing", () => expect(1 + 1).toBe(2));
  it("reads the corpus", (ctx) => {
    expect(sharedOrSkip(ctx, "the sample corpus test").length).toBeGreaterThan(0);
  });
});

describe("listed from the corpus", () => {
  const shared = sharedForListing("the listed sample tests");
  if (shared === undefined) return;
  it("one per corpus file", () => expect(shared.length).toBeGreaterThan(0));
});
`;

/** Runs the script as a child without blocking this worker (a long synchronous wait starves vitest's RPC). */
function runSuite(sharedDir: string): Promise<{ code: number | null; summary: string | undefined; out: string }> {
  return new Promise((resolve) => {
    execFile("node", [join(ROOT, "scripts", "run-tests.mjs")], { cwd: work, encoding: "utf8", timeout: CHILD_TIMEOUT_MS, env: { ...process.env, EGRET_SHARED_DIR: sharedDir } }, (error, stdout, stderr) => {
      const lines = stdout.trim().split("\n");
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, summary: lines[lines.length - 1], out: stdout + stderr });
    });
  });
}

describe("node scripts/run-tests.mjs", () => {
  writeFileSync(join(work, "sample.test.ts"), SAMPLE);
  writeFileSync(join(work, "vitest.config.mjs"), `export default { test: { include: ["sample.test.ts"] } };\n`);
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));

  it("counts tests that need an absent ../shared as skipped, and shows why", async () => {
    const r = await runSuite(join(work, "no-such-shared"));
    expect(r.code, r.out).toBe(0);
    expect(r.summary).toBe("tests: 1 passed, 0 failed, 2 skipped");
    expect(r.out).toMatch(/no-such-shared is absent: the sample corpus test NOT run/);
    expect(r.out).toMatch(/the listed sample tests \(needs \.\.\/shared\)/);
  });

  it("skips nothing when ../shared is there", async () => {
    const shared = join(work, "shared");
    mkdirSync(shared, { recursive: true });
    const r = await runSuite(shared);
    expect(r.code, r.out).toBe(0);
    expect(r.summary).toBe("tests: 3 passed, 0 failed, 0 skipped");
  });
});
