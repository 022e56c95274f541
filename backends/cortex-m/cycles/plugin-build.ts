import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail } from "../../../src/errors.js";
import { PACKAGE_ROOT } from "../../../src/paths.js";

/** The C sources of the egret-cycles QEMU plugin (Cortex-M4 timing from the instruction stream). */
export const CYCLES_PLUGIN_DIR = join(PACKAGE_ROOT, "backends", "cortex-m", "qemu-plugin");
const SOURCES = ["cycles-plugin.c", "m4-timing.c"];
const HEADERS = ["m4-timing.h", "qemu-plugin-api.h"];
/** Host build flags: the plugin is a shared object QEMU dlopens; only its two entry points are exported. */
export const CYCLES_PLUGIN_CFLAGS = ["-shared", "-fPIC", "-std=c99", "-O2", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror", "-pedantic"];

/**
 * Builds the plugin with the host gcc unless a build of the same sources and flags exists, and
 * returns the path of the shared object. The cache folder is named by the hash of sources and
 * flags (under the OS temp folder), and a build is written beside it and renamed into place, so
 * concurrent builds never see a half-written file.
 */
export function cyclesPlugin(cacheRoot: string = tmpdir()): string {
  const hash = createHash("sha256");
  for (const file of [...SOURCES, ...HEADERS]) hash.update(file).update(readFileSync(join(CYCLES_PLUGIN_DIR, file)));
  hash.update(CYCLES_PLUGIN_CFLAGS.join(" "));
  const dir = join(cacheRoot, `egret-cycles-${hash.digest("hex").slice(0, 16)}`);
  const so = join(dir, "egret-cycles.so");
  if (existsSync(so)) return so;
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `egret-cycles.${process.pid}.tmp.so`);
  try {
    execFileSync("gcc", [...CYCLES_PLUGIN_CFLAGS, "-o", partial, ...SOURCES.map((f) => join(CYCLES_PLUGIN_DIR, f))], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    rmSync(partial, { force: true });
    const err = e as { stderr?: Buffer; code?: string };
    if (err.code === "ENOENT") fail("io", "gcc", "is not installed; the cycle estimate builds its QEMU plugin with the host gcc (Debian: gcc)");
    fail("internal", `QEMU plugin ${CYCLES_PLUGIN_DIR}`, `gcc failed:\n${err.stderr?.toString() ?? String(e)}`);
  }
  renameSync(partial, so);
  return so;
}
