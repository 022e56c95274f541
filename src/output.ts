import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EgretError, fail } from "./errors.js";

/**
 * Writes all files or none: they go to a temporary folder beside `dir` first and are moved in
 * only once every write succeeded, so a failure never leaves a half-written output directory.
 */
export function writeOutputDir(dir: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  const target = resolve(dir);
  const parent = dirname(target);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    fail("io", `output directory ${dir}`, "exists and is not a directory; pick another -o path");
  }
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(target)}.egret-`));
  } catch (e) {
    return fail("io", `output directory ${dir}`, `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the path and its permissions`);
  }
  try {
    for (const [name, content] of files) writeFileSync(join(staging, name), content);
    if (!existsSync(target)) {
      renameSync(staging, target);
      return;
    }
    for (const name of files.keys()) renameSync(join(staging, name), join(target, name));
    rmSync(staging, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (e instanceof EgretError) throw e;
    fail("io", `output directory ${dir}`, `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the path and its permissions`);
  }
}
