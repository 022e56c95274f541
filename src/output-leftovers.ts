import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MANIFEST } from "./output-manifest.js";

/**
 * Hidden folders beside an output folder while it is replaced: `.NAME.egret-stage-PID-TAG` (the
 * new contents being written) and `.NAME.egret-old-PID-TAG` (the previous folder, moved aside for
 * the instant between the two renames). A process killed mid-write leaves them behind; the next
 * write to the same folder repairs that before anything else:
 * - no folder but an old one: the kill fell between the two renames; the old folder goes back;
 * - every other leftover of a process that is gone is removed.
 * Leftovers of a live process (another compile writing the same folder) are left alone.
 * A staging folder is recognised by name and, once anything is in it, by the manifest Egret
 * writes into it first; an old folder only ever gets its name from that rename.
 */
export type LeftoverKind = "stage" | "old";

const PATTERN = /^\.(.+)\.egret-(stage|old)-(\d+)-([0-9a-f]{8})$/;

export function leftoverPath(target: string, kind: LeftoverKind): string {
  return join(dirname(target), `.${basename(target)}.egret-${kind}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

interface Leftover {
  readonly path: string;
  readonly kind: LeftoverKind;
}

/** Restores or removes what killed writes to `target` left beside it (see above). */
export function repairLeftovers(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const found: Leftover[] = [];
  for (const entry of readdirSync(parent)) {
    const m = PATTERN.exec(entry);
    if (m === null || m[1] !== basename(target) || isLive(Number(m[3]))) continue;
    const path = join(parent, entry);
    if (!statSync(path).isDirectory()) continue;
    if (m[2] === "stage" && readdirSync(path).length > 0 && !existsSync(join(path, MANIFEST))) continue;
    found.push({ path, kind: m[2] as LeftoverKind });
  }
  const olds = found.filter((f) => f.kind === "old").sort((a, b) => statSync(b.path).mtimeMs - statSync(a.path).mtimeMs);
  const restore = existsSync(target) ? undefined : olds[0];
  if (restore !== undefined) renameSync(restore.path, target);
  for (const f of found) if (f !== restore) rmSync(f.path, { recursive: true, force: true });
}

/** Another process with this id runs (ours counts as gone: a leftover of ours is a past failure). */
function isLive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
