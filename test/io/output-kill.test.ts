import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeOutputDir } from "../../src/output.js";
import { MANIFEST, manifestFor } from "../../src/output-manifest.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * SIGKILL during a write into an existing output folder: afterwards the folder is the complete old
 * output or the complete new one, never a mix (or, killed between the two renames, absent with the
 * complete old one aside), and the next write leaves the new output and nothing else.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const EGRET = join(ROOT, "bin", "egret.js");
const OUTPUT_JS = join(ROOT, "dist", "src", "output.js");
const work = mkdtempSync(join(tmpdir(), "egret-kill-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file of a folder (the manifest included) with its bytes, as text. */
function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "latin1")]));
}

/** Asserts the kill left the complete old or new folder (or the old one aside); returns which. */
function expectWholeFolder(target: string, old: Map<string, string>, next: Map<string, string>, label: string): string {
  const siblings = readdirSync(dirname(target)).filter((e) => e !== "out");
  if (existsSync(target)) {
    const now = snapshot(target);
    const which = JSON.stringify([...now]) === JSON.stringify([...old]) ? "old" : JSON.stringify([...now]) === JSON.stringify([...next]) ? "new" : "mix";
    expect(which, `${label}: the folder holds ${[...now.keys()].join(", ")}`).not.toBe("mix");
    return which;
  }
  const aside = siblings.filter((e) => /^\.out\.egret-old-\d+-[0-9a-f]{8}$/.test(e));
  expect(aside, `${label}: no folder, and not exactly one old folder aside (${siblings.join(", ")})`).toHaveLength(1);
  expect(snapshot(join(dirname(target), aside[0]!)), `${label}: the folder aside is the complete old output`).toEqual(old);
  return "aside";
}

function expectRepaired(target: string, next: Map<string, string>, label: string): void {
  expect(snapshot(target), `${label}: after the next write`).toEqual(next);
  expect(readdirSync(dirname(target)), `${label}: leftovers after the next write`).toEqual(["out"]);
}

const OLD_FILES = new Map([["Makefile", "old\n"], ["model.c", "old model"], ["model.h", "old header"], ["conv_f32.c", "only in the old output"]]);
const NEW_FILES = new Map([["Makefile", "new\n"], ["model.c", "new model"], ["model.h", "new header"], ["pool_f32.c", "only in the new output"]]);
/** The folder NEW_FILES make, as snapshot() reads it. */
const NEXT = new Map<string, string>([[MANIFEST, manifestFor(NEW_FILES)], ...[...NEW_FILES].sort(([a], [b]) => (a < b ? -1 : 1))]);

/** Runs writeOutputDir in a child that SIGKILLs itself just before its `step`-th file-system change. */
function writeKilledAt(target: string, step: number): boolean {
  const script = `
    import fs from "node:fs";
    import { syncBuiltinESMExports } from "node:module";
    let calls = 0;
    for (const name of ["mkdirSync", "writeFileSync", "renameSync", "rmSync"]) {
      const real = fs[name];
      fs[name] = (...args) => { if (++calls === ${step}) process.kill(process.pid, "SIGKILL"); return real(...args); };
    }
    syncBuiltinESMExports();
    const { writeOutputDir } = await import(${JSON.stringify(OUTPUT_JS)});
    writeOutputDir(${JSON.stringify(target)}, new Map(${JSON.stringify([...NEW_FILES])}));`;
  const r = spawnSync("node", ["--input-type=module", "-e", script], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  if (r.signal === null) expect(r.status, r.stderr).toBe(0);
  return r.signal === "SIGKILL";
}

describe("a write killed at every step of the swap", () => {
  it("leaves the whole old or new folder, repaired by the next write", () => {
    const seen = new Set<string>();
    let step = 1;
    for (; step < 100; step++) {
      const target = join(work, `step${step}`, "out");
      writeOutputDir(target, OLD_FILES);
      const old = snapshot(target);
      if (!writeKilledAt(target, step)) break;
      seen.add(expectWholeFolder(target, old, NEXT, `step ${step}`));
      writeOutputDir(target, NEW_FILES);
      expectRepaired(target, NEXT, `step ${step}`);
    }
    // Every file-system step of the swap was hit once (the last run finished): killed before the
    // staging was complete (old), between the renames (aside), before the old one was removed (new).
    expect(step).toBeGreaterThan(NEW_FILES.size + 3);
    expect(seen).toEqual(new Set(["old", "aside", "new"]));
  });
});

describe("egret compile SIGKILLed while it replaces an existing output folder", () => {
  const data = requireOnnxTestdata();
  const conv = join(data, "pytorch-converted", "test_Conv2d", "model.onnx");
  const pool = join(data, "pytorch-converted", "test_AvgPool2d", "model.onnx");
  const compile = (model: string, out: string) => spawnSync("node", [EGRET, "compile", model, "-o", out], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });

  /** Starts a compile and kills it `delayMs` after start, or as soon as its staging folder appears (+ a few ms). */
  async function killedCompile(out: string, when: { readonly delayMs?: number; readonly afterStagingMs?: number }): Promise<void> {
    const child = spawn("node", [EGRET, "compile", pool, "-o", out], { stdio: "ignore" });
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    const started = Date.now();
    let stagedAt: number | undefined;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (when.delayMs !== undefined && Date.now() - started >= when.delayMs) break;
      if (when.afterStagingMs !== undefined) {
        if (stagedAt === undefined && readdirSync(dirname(out)).some((e) => e.includes(".egret-stage-"))) stagedAt = Date.now();
        if (stagedAt !== undefined && Date.now() - stagedAt >= when.afterStagingMs) break;
      }
      await new Promise((r) => setTimeout(r, when.afterStagingMs !== undefined ? 0 : 5));
    }
    child.kill("SIGKILL");
    await exited;
  }

  it("always leaves the whole old or new output, and the next compile cleans up", async () => {
    const oldRef = join(work, "ref-old", "out");
    const newRef = join(work, "ref-new", "out");
    const t0 = Date.now();
    expect(compile(conv, oldRef).status).toBe(0);
    const runMs = Date.now() - t0;
    expect(compile(pool, newRef).status).toBe(0);
    const old = snapshot(oldRef);
    const next = snapshot(newRef);
    expect([...next.keys()].some((f) => !old.has(f))).toBe(true);

    const outcomes: string[] = [];
    const kills = [
      ...[0.3, 0.5, 0.7, 0.8, 0.9, 1.0].map((f) => ({ delayMs: Math.round(f * runMs) })),
      ...[0, 0, 1, 1, 2, 3].map((ms) => ({ afterStagingMs: ms })),
    ];
    for (const [i, when] of kills.entries()) {
      const out = join(work, `kill${i}`, "out");
      cpSync(oldRef, out, { recursive: true });
      await killedCompile(out, when);
      outcomes.push(expectWholeFolder(out, old, next, `kill ${i} (${JSON.stringify(when)})`));
      // The next write (in process: the same code as the CLI's) repairs and replaces.
      writeOutputDir(out, new Map([...next].filter(([f]) => f !== ".egret-manifest")));
      expectRepaired(out, next, `kill ${i}`);
    }
    // And the CLI itself cleans what a kill left: kill once more, then compile normally.
    const last = join(work, "kill-cli", "out");
    cpSync(oldRef, last, { recursive: true });
    await killedCompile(last, { afterStagingMs: 0 });
    expect(compile(pool, last).status).toBe(0);
    expectRepaired(last, next, "CLI after a kill");
    expect(outcomes.length).toBe(kills.length);
  });
});
