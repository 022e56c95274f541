import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, importModelFile } from "../../src/index.js";
import { clearProgress, progressLine } from "../../src/cli/progress.js";
import type { ProgressEvent } from "../../src/util/progress.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const SCRIPT = "/usr/bin/script";
const work = mkdtempSync(join(tmpdir(), "egret-progress-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (t: string) => written.push(t) }, written };
}

describe("progress line", () => {
  it("draws a bar for counted work and a plain line otherwise", () => {
    const tty = fakeStream(true);
    const show = progressLine({}, tty.stream)!;
    show({ task: "saturating", done: 3, total: 12, detail: "49 e-nodes" });
    expect(tty.written).toContain("egret: saturating [#####...............] 3/12 49 e-nodes");
    show({ task: "extracting", done: 0 });
    clearProgress();
    expect(tty.written).toContain("egret: extracting");
  });

  it("rewrites one line on a terminal and clears it; prints nothing when quiet, in JSON mode or off a terminal", () => {
    const tty = fakeStream(true);
    const show = progressLine({}, tty.stream)!;
    show({ task: "calibrating", done: 1, total: 2 });
    expect(tty.written).toContain("egret: calibrating [##########..........] 1/2");
    clearProgress();
    // Stopping clears the line (cursor to column 1, erase line), so what follows starts clean.
    expect(tty.written.slice(-2)).toEqual(["\x1b[1G", "\x1b[2K"]);
    expect(progressLine({ quiet: true }, fakeStream(true).stream)).toBeUndefined();
    expect(progressLine({ json: true }, fakeStream(true).stream)).toBeUndefined();
    expect(progressLine({}, fakeStream(false).stream)).toBeUndefined();
  });
});

describe("progress events from the library", () => {
  const model = join(requireOnnxTestdata(), "pytorch-converted", "test_Conv2d", "model.onnx");

  it("compile reports each saturation iteration out of the limit, then extraction; the result does not depend on it", () => {
    const graph = importModelFile(model);
    const events: ProgressEvent[] = [];
    const result = compile(graph, { onProgress: (e) => events.push(e) });
    const iterations = result.summary.optimizer!.iterations;
    expect(events.filter((e) => e.task === "saturating").map((e) => e.done)).toEqual(Array.from({ length: iterations }, (_, i) => i + 1));
    expect(events.every((e) => e.task !== "saturating" || e.total === result.summary.optimizer!.limits.iterations)).toBe(true);
    expect(events[events.length - 1]!.task).toBe("extracting");
    expect(compile(graph).files.get("model.c")).toBe(result.files.get("model.c"));
  });
});

describe("egret compile on a terminal", () => {
  const model = join(requireOnnxTestdata(), "pytorch-converted", "test_Conv2d", "model.onnx");
  /** Runs the CLI under script(1), which gives it a pseudo-terminal; returns what the terminal showed. */
  const onTerminal = (...args: string[]) => {
    const command = ["node", EGRET, ...args].map((a) => `'${a}'`).join(" ");
    const r = spawnSync(SCRIPT, ["-qfec", command, "/dev/null"], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it("shows saturation progress on a terminal, none with --quiet or --json, none when stderr is a pipe", (ctx) => {
    if (!existsSync(SCRIPT)) ctx.skip(`${SCRIPT} (util-linux) is absent: the terminal progress check NOT run`);
    expect(onTerminal("compile", model, "-o", join(work, "a"))).toMatch(/egret: saturating \[#+\.*\] 1\/12/);
    expect(onTerminal("compile", model, "-o", join(work, "b"), "--quiet")).not.toMatch(/saturating/);
    expect(onTerminal("compile", model, "-o", join(work, "c"), "--json")).not.toMatch(/saturating/);
    const piped = spawnSync("node", [EGRET, "compile", model, "-o", join(work, "d")], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe("");
  });
});
