import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/paths.js";

export const ONNX_TESTDATA = "/usr/share/libonnx-testdata/data";

/**
 * The ONNX backend conformance data is a required Debian package (`libonnx-testdata`), installed
 * by scripts/setup.sh. Its absence is an error, never a silent skip.
 */
export function requireOnnxTestdata(): string {
  if (!existsSync(ONNX_TESTDATA)) {
    throw new Error(`${ONNX_TESTDATA} is missing: run \`bash scripts/setup.sh\` (installs Debian's libonnx-testdata)`);
  }
  return ONNX_TESTDATA;
}

/**
 * ../shared beside the checkout (CI has it; a fresh clone alone does not); same from dist/.
 * EGRET_SHARED_DIR points elsewhere (test/scripts/run-tests.test.ts uses it to run without one).
 */
export const SHARED_DIR = process.env["EGRET_SHARED_DIR"] ?? join(PACKAGE_ROOT, "..", "shared");

/** Returns the shared folder, or undefined after a loud warning naming what is skipped. */
export function sharedOrWarn(what: string): string | undefined {
  if (existsSync(SHARED_DIR)) return SHARED_DIR;
  console.warn(`\n*** ${SHARED_DIR} is absent: ${what} NOT run. CI provides ../shared beside the checkout. ***\n`);
  return undefined;
}
