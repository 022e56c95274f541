import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOutputDir } from "../../src/output.js";
import { MANIFEST } from "../../src/output-manifest.js";
import { errorOf } from "../support/errors.js";

/**
 * Output files in sub-folders (a Cortex-M output's harness/): written with their folders, listed in
 * the manifest by relative path, with what a sub-folder's Makefile builds counted as Egret's under
 * that folder's prefix; a user's file inside such a folder still makes the folder the user's.
 */
const work = mkdtempSync(join(tmpdir(), "egret-outsub-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(work, `case${n++}`, "out");

const HARNESS_MAKEFILE = "runner.elf: runner.c\n\tcc -o runner.elf runner.c\n\nclean:\n\trm -rf obj runner.elf\n";
const FILES = new Map([
  ["model.c", "model"],
  ["model.h", "header"],
  ["harness/runner.c", "runner"],
  ["harness/Makefile", HARNESS_MAKEFILE],
]);

describe("writeOutputDir with sub-folders", () => {
  it("writes the files under their folders; the manifest names them and the sub-folder's build products", () => {
    const dir = fresh();
    writeOutputDir(dir, FILES);
    expect(readFileSync(join(dir, "harness", "runner.c"), "utf8")).toBe("runner");
    expect(readFileSync(join(dir, "model.c"), "utf8")).toBe("model");
    const manifest = readFileSync(join(dir, MANIFEST), "utf8");
    expect(manifest).toMatch(/^file harness\/Makefile [0-9a-f]{64}$/m);
    expect(manifest).toMatch(/^file harness\/runner\.c [0-9a-f]{64}$/m);
    expect(manifest).toMatch(/^build harness\/obj\nbuild harness\/runner\.elf\n$/m);
    expect(manifest).not.toMatch(/^build (obj|runner\.elf)$/m);
  });

  it("replaces a folder whose sub-folder holds only build products; refuses a user's file or an edit inside it", () => {
    const dir = fresh();
    writeOutputDir(dir, FILES);
    mkdirSync(join(dir, "harness", "obj"));
    writeFileSync(join(dir, "harness", "obj", "runner.o"), "object");
    writeFileSync(join(dir, "harness", "runner.elf"), "elf");
    writeOutputDir(dir, FILES);
    expect(existsSync(join(dir, "harness", "runner.elf"))).toBe(false);

    writeFileSync(join(dir, "harness", "mine.c"), "the user's");
    expect(errorOf(() => writeOutputDir(dir, FILES)).message).toMatch(/holds files Egret did not write \(harness\/mine\.c\)/);
    rmSync(join(dir, "harness", "mine.c"));
    writeFileSync(join(dir, "harness", "runner.c"), "edited");
    expect(errorOf(() => writeOutputDir(dir, FILES)).message).toMatch(/harness\/runner\.c \(changed since Egret wrote it\)/);
    // A top-level build product name is not one: only the sub-folder's Makefile built runner.elf.
    writeFileSync(join(dir, "harness", "runner.c"), "runner");
    writeFileSync(join(dir, "runner.elf"), "not built here");
    expect(errorOf(() => writeOutputDir(dir, FILES)).message).toMatch(/holds files Egret did not write \(runner\.elf\)/);
  });

  it("refuses names that leave the folder or are not plain paths", () => {
    for (const bad of ["../escape.c", "harness/../../x.c", "a//b.c", "/abs.c", "harness/./x.c", "harness/", MANIFEST]) {
      const e = errorOf(() => writeOutputDir(fresh(), new Map([[bad, "x"]])));
      expect(e.message, bad).toContain("is not a plain file name or a relative path below the output folder");
    }
  });
});
