import { existsSync } from "node:fs";
import type { TestContext } from "vitest";

/** Debian's chromium (scripts/setup.sh installs it); EGRET_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env["EGRET_CHROMIUM"] ?? "/usr/bin/chromium";

/**
 * Inside a test that drives a headless browser: the chromium binary, or the test stops here marked
 * skipped with the reason as its note (counted as skipped, never as passed).
 */
export function chromiumOrSkip(ctx: TestContext, what: string): string {
  return existsSync(CHROMIUM) ? CHROMIUM : ctx.skip(`${CHROMIUM} is absent: ${what} NOT run (scripts/setup.sh installs Debian's chromium)`);
}
