import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harnessDir } from "./files.js";
import { buildFirmware } from "./qemu.js";
import { sizeReport, type SizeReport } from "./size-report.js";
import { findVariant } from "./variants.js";

/**
 * For `egret compile --json` on a Cortex-M target: cross-builds a copy of the output directory (the
 * output itself stays as written) and returns its flash/RAM report.
 */
export function cortexMSizeSummary(target: string, outputDir: string, arenaBytes: number): SizeReport {
  if (findVariant(target) === undefined) throw new Error(`cortexMSizeSummary: "${target}" is not a Cortex-M target`);
  const work = mkdtempSync(join(tmpdir(), "egret-size-"));
  try {
    cpSync(outputDir, work, { recursive: true });
    buildFirmware(harnessDir(work), "runner.elf");
    return sizeReport(harnessDir(work), "runner.elf", arenaBytes);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
