import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

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

function runSuite(sharedDir: string) {
  const r = spawnSync("node", [join(ROOT, "scripts", "run-tests.mjs")], {
    cwd: work,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, EGRET_SHARED_DIR: sharedDir },
  });
  const lines = r.stdout.trim().split("\n");
  return { code: r.status, summary: lines[lines.length - 1], out: r.stdout + r.stderr };
}

describe("node scripts/run-tests.mjs", () => {
  writeFileSync(join(work, "sample.test.ts"), SAMPLE);
  writeFileSync(join(work, "vitest.config.mjs"), `export default { test: { include: ["sample.test.ts"] } };\n`);
  symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));

  it("counts tests that need an absent ../shared as skipped, and shows why", () => {
    const r = runSuite(join(work, "no-such-shared"));
    expect(r.code, r.out).toBe(0);
    expect(r.summary).toBe("tests: 1 passed, 0 failed, 2 skipped");
    expect(r.out).toMatch(/no-such-shared is absent: the sample corpus test NOT run/);
    expect(r.out).toMatch(/the listed sample tests \(needs \.\.\/shared\)/);
  }, 120_000);

  it("skips nothing when ../shared is there", () => {
    const shared = join(work, "shared");
    mkdirSync(shared, { recursive: true });
    const r = runSuite(shared);
    expect(r.code, r.out).toBe(0);
    expect(r.summary).toBe("tests: 3 passed, 0 failed, 0 skipped");
  }, 120_000);
});
