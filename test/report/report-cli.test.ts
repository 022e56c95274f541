import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-report-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function egret(...args: string[]) {
  const r = spawnSync("node", [EGRET, ...args], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("egret report / compile --report", () => {
  // Five elementwise nodes: intermediate tensors live in the arena.
  const model = join(requireOnnxTestdata(), "pytorch-operator", "test_operator_basic", "model.onnx");

  it("writes the page; its timeline peak is compile's arenaBytes; compile --report puts report.html in the output folder, which a recompile accepts", () => {
    const page = join(work, "page.html");
    const r = egret("report", model, "-o", page);
    expect(r.code, r.err).toBe(0);
    const compiled = egret("compile", model, "-o", join(work, "out"), "--json", "--report");
    expect(compiled.code, compiled.err).toBe(0);
    const arena = (JSON.parse(compiled.out) as { arenaBytes: number }).arenaBytes;
    expect(arena).toBeGreaterThan(0);
    expect(readFileSync(page, "utf8")).toContain(`data-peak-bytes="${arena}"`);
    expect(readFileSync(join(work, "out", "report.html"), "utf8")).toBe(readFileSync(page, "utf8"));
    expect(egret("compile", model, "-o", join(work, "out")).code).toBe(0);
    expect(existsSync(join(work, "out", "report.html"))).toBe(false);
  });

  it("refuses a folder as the page, and a bad --profile, before compiling and without writing anything", () => {
    const folder = join(work, "a-folder");
    mkdirSync(folder);
    const r = egret("report", model, "-o", folder);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/option -o\/--output.*is a folder/);
    const page = join(work, "never.html");
    const p = egret("report", model, "-o", page, "--profile", join(work, "missing.json"));
    expect(p.code).toBe(1);
    expect(p.err).toMatch(/profile .*missing\.json.*cannot be read/);
    const c = egret("compile", model, "-o", join(work, "never-out"), "--report", folder);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/option --report.*is a folder/);
    expect(existsSync(page)).toBe(false);
    expect(existsSync(join(work, "never-out"))).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes(".partial-"))).toEqual([]);
  });
});
