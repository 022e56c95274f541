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

/** The shared folder when it is there, else undefined (for tests listed from the corpus at collection time). */
export const SHARED: string | undefined = existsSync(SHARED_DIR) ? SHARED_DIR : undefined;
