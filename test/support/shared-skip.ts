import { it, type TestContext } from "vitest";
import { SHARED, SHARED_DIR } from "./testdata.js";

/**
 * Tests that need ../shared (the corpus beside the checkout) are skipped with the reason when it is
 * absent: vitest counts them as skipped and prints the note, so a clone without the corpus never
 * reads greener than its run. With ../shared present (as in CI) nothing is skipped.
 */

/** The note of a test skipped for want of ../shared: what does not run, and why. */
export function sharedSkipNote(what: string): string {
  return `${SHARED_DIR} is absent: ${what} NOT run (CI provides ../shared beside the checkout)`;
}

/**
 * Inside a test that needs ../shared: the folder, or the test stops here marked skipped with the
 * reason as its note (vitest prints it and counts the test as skipped, never as passed).
 */
export function sharedOrSkip(ctx: TestContext, what: string): string {
  return SHARED ?? ctx.skip(sharedSkipNote(what));
}

/** `sharedOrSkip` bound to one description, for a file whose tests all need the same corpus. */
export function sharedFor(what: string): (ctx: TestContext) => string {
  return (ctx) => sharedOrSkip(ctx, what);
}

/**
 * For tests listed from the corpus itself at collection time (one per model file): the folder, or
 * undefined after registering one skipped test that stands for them, with the reason.
 */
export function sharedForListing(what: string): string | undefined {
  if (SHARED === undefined) it(`${what} (needs ../shared)`, (ctx) => ctx.skip(sharedSkipNote(what)));
  return SHARED;
}
