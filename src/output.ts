import { existsSync, lstatSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { EgretError, fail } from "./errors.js";
import { leftoverPath, repairLeftovers } from "./output-leftovers.js";
import { foreignEntries, MANIFEST, manifestFor } from "./output-manifest.js";

/**
 * Output folders are replaced as a whole, never merged: everything is written into a staging
 * folder beside the target, then the old folder is renamed aside, the staging folder renamed into
 * its place, and the old one removed. So a reader (or a SIGKILL at any instant) sees the complete
 * old folder or the complete new one, never a mix, and files of an earlier compile do not linger.
 * The one window between the two renames leaves no folder and the old one under a hidden name,
 * which the next write restores (output-leftovers.ts).
 *
 * Refused before anything is written: an empty path, the current folder or one containing it, and
 * a folder holding files Egret did not write (output-manifest.ts) unless `force`. New folders get
 * the ordinary permissions (0777 minus the umask), like `mkdir`.
 */
export interface OutputOptions {
  /** Replace the folder even when it holds files Egret did not write (they are deleted). */
  readonly force?: boolean;
  /** The option that named the folder, for messages (e.g. "option -o/--output"). */
  readonly option?: string;
  /** The flag that allows replacing a foreign folder, suggested in the refusal (e.g. "--force"). */
  readonly forceFlag?: string;
}

/**
 * Fails (naming the option and what to do) when `dir` may not be replaced; returns the folder
 * that would be (symbolic links resolved). Callers run it before a long compile, to fail fast.
 */
export function checkOutputDir(dir: string, options: OutputOptions = {}): string {
  const subject = options.option ?? `output directory ${JSON.stringify(dir)}`;
  if (dir.trim() === "") fail("bad-option", subject, "is empty (an unset shell variable?); name the output folder, e.g. -o out");
  const target = realTarget(dir, subject);
  const cwd = realpathSync(process.cwd());
  if (target === cwd || cwd.startsWith(target.endsWith(sep) ? target : target + sep)) {
    fail("bad-option", subject, `"${dir}" is the current folder${target === cwd ? "" : " or contains it"}; Egret replaces its output folder as a whole, so name a folder of its own, e.g. -o out`);
  }
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) fail("io", `output directory ${dir}`, "exists and is not a directory; pick another -o path");
    const foreign = options.force === true ? [] : foreignEntries(target);
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
      const force = options.forceFlag === undefined ? "" : `, or pass ${options.forceFlag} to replace the folder and everything in it`;
      fail("io", `output directory ${dir}`, `holds files Egret did not write (${shown}); pick an empty or new folder${force}`);
    }
  }
  return target;
}

/**
 * Writes `files` as the whole content of `dir`, plus Egret's manifest. Names are plain file names
 * or '/'-separated paths below `dir` (e.g. "harness/runner.c"); their folders are created.
 */
export function writeOutputDir(dir: string, files: ReadonlyMap<string, string | Uint8Array>, options: OutputOptions = {}): void {
  for (const name of files.keys()) {
    const parts = name.split("/");
    if (name === MANIFEST || (sep !== "/" && name.includes(sep)) || parts.some((p) => p === "" || p === "." || p === "..")) {
      fail("internal", `output file "${name}"`, "is not a plain file name or a relative path below the output folder");
    }
  }
  const cannot = (e: unknown): never => {
    if (e instanceof EgretError) throw e;
    return fail("io", `output directory ${dir}`, `cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the path and its permissions`);
  };
  let real: string;
  try {
    // Checked again after the repair: a folder restored from a killed write is checked too.
    repairLeftovers(checkOutputDir(dir, options));
    real = checkOutputDir(dir, options);
    mkdirSync(dirname(real), { recursive: true });
  } catch (e) {
    return cannot(e);
  }
  const staging = leftoverPath(real, "stage");
  let aside: string | undefined;
  try {
    mkdirSync(staging);
    // The manifest first: it marks the staging folder as Egret's if this process dies mid-write.
    writeFileSync(join(staging, MANIFEST), manifestFor(files));
    for (const [name, content] of files) {
      if (name.includes("/")) mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), content);
    }
    if (existsSync(real)) {
      aside = leftoverPath(real, "old");
      renameSync(real, aside);
    }
    renameSync(staging, real);
  } catch (e) {
    try {
      rmSync(staging, { recursive: true, force: true });
      if (aside !== undefined && !existsSync(real)) renameSync(aside, real);
    } catch {
      // What could not be undone here is a leftover the next write repairs (output-leftovers.ts).
    }
    return cannot(e);
  }
  if (aside === undefined) return;
  try {
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // The new folder is in place; the next write to it removes what is left of the old one.
  }
}

/** The folder `dir` names: a symbolic link is followed (its target is what gets replaced). */
function realTarget(dir: string, subject: string): string {
  const target = resolve(dir);
  if (!existsSync(target) && !isLink(target)) {
    const parent = dirname(target);
    return existsSync(parent) ? join(realpathSync(parent), basename(target)) : target;
  }
  try {
    return realpathSync(target);
  } catch {
    return fail("io", subject, "is a symbolic link to a missing folder; point it at a folder or remove it");
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
