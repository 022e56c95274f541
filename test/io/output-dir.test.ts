import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputDir, writeOutputDir } from "../../src/output.js";
import { MANIFEST } from "../../src/output-manifest.js";
import { errorOf } from "../support/errors.js";

/** Output folders: replaced as a whole, refused when not Egret's, repaired after a killed write. */

const work = mkdtempSync(join(tmpdir(), "egret-outdir-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(work, `case${n++}`, "out");

const OLD = new Map([["model.c", "old model"], ["model.h", "old header"], ["stale.c", "only in the old output"]]);
const NEW = new Map([["model.c", "new model"], ["model.h", "new header"], ["Makefile", "runner: model.c\n\tcc -o runner model.c\n\nclean:\n\trm -f runner\n"]]);

const listing = (dir: string) => readdirSync(dir).sort();
const contents = (dir: string) => new Map(listing(dir).filter((f) => f !== MANIFEST).map((f) => [f, readFileSync(join(dir, f), "utf8")]));

/** A process id that no longer runs (a finished child's). */
function deadPid(): number {
  const r = spawnSync("true");
  return r.pid!;
}

describe("writeOutputDir replaces the folder as a whole", () => {
  it("files of an earlier compile are gone; the manifest lists the new files", () => {
    const dir = fresh();
    writeOutputDir(dir, OLD);
    writeOutputDir(dir, NEW);
    expect(contents(dir)).toEqual(NEW);
    expect(existsSync(join(dir, "stale.c"))).toBe(false);
    const manifest = readFileSync(join(dir, MANIFEST), "utf8");
    expect(manifest).toMatch(/^egret output manifest 1\nfile Makefile [0-9a-f]{64}\nfile model\.c [0-9a-f]{64}\nfile model\.h [0-9a-f]{64}\nbuild runner\n$/);
    expect(listing(dirname(dir))).toEqual(["out"]);
  });

  it("the same files give a byte-identical manifest", () => {
    const a = fresh();
    const b = fresh();
    writeOutputDir(a, NEW);
    writeOutputDir(b, new Map([...NEW].reverse()));
    expect(readFileSync(join(a, MANIFEST))).toEqual(readFileSync(join(b, MANIFEST)));
  });

  it("new folders get the ordinary permissions (what mkdir gives under this umask), not 0700", () => {
    const dir = fresh();
    writeOutputDir(dir, NEW);
    const reference = join(work, `mkdir-reference-${n++}`);
    mkdirSync(reference);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe((statSync(reference).mode & 0o777).toString(8));
    expect(statSync(dir).mode & 0o077).not.toBe(0);
  });

  it("what the folder's Makefile builds (its clean target) does not make the folder foreign", () => {
    const dir = fresh();
    writeOutputDir(dir, NEW);
    writeFileSync(join(dir, "runner"), "built by make");
    writeOutputDir(dir, OLD);
    expect(contents(dir)).toEqual(OLD);
  });

  it("writes through a symbolic link to a folder (the link stays, the folder it names is replaced)", () => {
    const real = fresh();
    writeOutputDir(real, OLD);
    const link = join(work, `link${n++}`);
    symlinkSync(real, link);
    writeOutputDir(link, NEW);
    expect(contents(real)).toEqual(NEW);
    expect(contents(link)).toEqual(NEW);
  });
});

describe("writeOutputDir refuses what it must not replace", () => {
  it("an empty path, the current folder and a folder containing it, naming the option", () => {
    for (const dir of ["", "  ", ".", process.cwd(), "..", "/"]) {
      const error = errorOf(() => writeOutputDir(dir, NEW, { option: "option -o/--output" }));
      expect(error.code, JSON.stringify(dir)).toBe("bad-option");
      expect(error.message, JSON.stringify(dir)).toMatch(/^option -o\/--output: (is empty|".*" is the current folder)/);
    }
  });

  it("a folder holding files Egret did not write, naming them; nothing in it changes", () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Makefile"), "the user's own");
    const error = errorOf(() => writeOutputDir(dir, NEW, { forceFlag: "--force" }));
    expect(error.code).toBe("io");
    expect(error.message).toMatch(/holds files Egret did not write \(Makefile\); pick an empty or new folder, or pass --force to replace the folder and everything in it/);
    expect(readFileSync(join(dir, "Makefile"), "utf8")).toBe("the user's own");
    expect(listing(dirname(dir))).toEqual(["out"]);
  });

  it("an Egret folder with a file added or one of its files edited", () => {
    const dir = fresh();
    writeOutputDir(dir, NEW);
    writeFileSync(join(dir, "main.c"), "int main(void) { return 0; }");
    expect(errorOf(() => writeOutputDir(dir, OLD)).message).toMatch(/\(main\.c\)/);
    rmSync(join(dir, "main.c"));
    writeFileSync(join(dir, "model.c"), "edited by hand");
    expect(errorOf(() => checkOutputDir(dir)).message).toMatch(/\(model\.c \(changed since Egret wrote it\)\)/);
  });

  it("force replaces a foreign folder as a whole", () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "notes.txt"), "x");
    writeOutputDir(dir, NEW, { force: true });
    expect(contents(dir)).toEqual(NEW);
  });

  it("a path through a file, with nothing left behind", () => {
    const blocker = join(work, `file${n++}`);
    writeFileSync(blocker, "x");
    const error = errorOf(() => writeOutputDir(join(blocker, "out"), NEW));
    expect(error.code).toBe("io");
    expect(error.message).toMatch(/cannot be written \(ENOTDIR\)/);
    expect(errorOf(() => writeOutputDir(blocker, NEW)).message).toMatch(/exists and is not a directory/);
  });
});

describe("writeOutputDir repairs what a killed write left", () => {
  it("restores the old folder when the kill fell between the two renames, then replaces it", () => {
    const dir = fresh();
    writeOutputDir(dir, OLD);
    const pid = deadPid();
    const aside = join(dirname(dir), `.out.egret-old-${pid}-0123abcd`);
    const staging = join(dirname(dir), `.out.egret-stage-${pid}-89abcdef`);
    writeOutputDir(join(work, "scratch", "x"), NEW);
    // The state a SIGKILL between the renames leaves: no folder, the old one aside, the new one staged.
    spawnSync("mv", [dir, aside]);
    spawnSync("cp", ["-r", join(work, "scratch", "x"), staging]);
    expect(existsSync(dir)).toBe(false);
    writeOutputDir(dir, NEW);
    expect(contents(dir)).toEqual(NEW);
    expect(listing(dirname(dir))).toEqual(["out"]);
  });

  it("removes staging folders of dead processes; leaves a live process's and foreign look-alikes alone", () => {
    const dir = fresh();
    mkdirSync(dirname(dir), { recursive: true });
    const dead = deadPid();
    const emptyStage = join(dirname(dir), `.out.egret-stage-${dead}-00000000`);
    const liveStage = join(dirname(dir), `.out.egret-stage-${process.ppid}-11111111`);
    const unmarked = join(dirname(dir), `.out.egret-stage-${dead}-22222222`);
    for (const d of [emptyStage, liveStage, unmarked]) mkdirSync(d);
    writeFileSync(join(unmarked, "user-file"), "not Egret's: no manifest");
    writeOutputDir(dir, NEW);
    expect(listing(dirname(dir))).toEqual([`.out.egret-stage-${dead}-22222222`, `.out.egret-stage-${process.ppid}-11111111`, "out"].sort());
  });
});
