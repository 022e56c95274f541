import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fail } from "../errors.js";

/**
 * Refuses a report path that cannot be written (empty, a folder) before the compile runs, so a
 * long compile never ends in that error.
 */
export function checkReportFile(path: string, option: string): void {
  if (path.trim() === "") fail("bad-option", option, "is empty; name the HTML file, e.g. -o report.html");
  if (existsSync(path) && statSync(path).isDirectory()) fail("bad-option", option, `"${path}" is a folder; name the HTML file to write, e.g. ${path.replace(/\/+$/, "")}/report.html`);
}

/** Writes the page beside its final name, then renames it there: readers never see half a page. */
export function writeReportFile(path: string, html: string, option: string): void {
  const partial = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(partial, html);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    fail("io", option, `cannot write "${path}" (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
