#!/usr/bin/env node
// Runs the vitest suite and ends with one plain summary line, `tests: N passed, M failed, K skipped`,
// that any CI can read. Skipped tests are always counted (e.g. those that need ../shared beside the
// checkout, each skipped with its reason), so a partial run never reads as a full pass. Exits with
// vitest's status. Extra arguments go to vitest (e.g. a test file filter).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const report = "out/vitest-report.json";
mkdirSync("out", { recursive: true });
rmSync(report, { force: true });
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} else {
  console.log("tests: 0 passed, 1 failed, 0 skipped (vitest wrote no report)");
}
process.exit(run.status ?? 1);
