import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireOnnxTestdata } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const work = mkdtempSync(join(tmpdir(), "egret-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function egret(...args: string[]) {
  const r = spawnSync("node", [EGRET, ...args], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("egret CLI", () => {
  const data = requireOnnxTestdata();
  const conv = join(data, "pytorch-converted", "test_Conv2d", "model.onnx");

  it("prints help for every command and exits 0", () => {
    for (const cmd of [[], ["info"], ["compile"], ["run"], ["ops"]]) {
      const r = egret(...cmd, "--help");
      expect(r.code, `egret ${cmd.join(" ")} --help`).toBe(0);
      expect(r.out).toMatch(/Usage: egret/);
    }
    expect(egret("--version").out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("rejects an unknown command and a missing required option with a non-zero exit", () => {
    expect(egret("frobnicate").code).not.toBe(0);
    const r = egret("compile", conv);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--output/);
  });

  it("info reports inputs, outputs, ops, params and MACs, as text and JSON", () => {
    const r = egret("info", conv, "--json");
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { inputs: { shape: number[] }[]; ops: Record<string, number>; params: number; macs: number };
    expect(info.ops["Conv"]).toBe(1);
    expect(info.params).toBeGreaterThan(0);
    expect(info.macs).toBeGreaterThan(0);
    expect(egret("info", conv).out).toMatch(/MACs: \d+/);
  });

  it("compile writes sources and a Makefile; --json reports the summary; output is deterministic", () => {
    const a = join(work, "a");
    const b = join(work, "b");
    const r = egret("compile", conv, "-o", a, "--json");
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { files: string[]; arenaBytes: number; kernelCalls: number; weightsBytes: number };
    expect(s.files).toEqual(expect.arrayContaining(["model.c", "model.h", "Makefile", "runner.c"]));
    expect(s.kernelCalls).toBe(1);
    expect(s.weightsBytes).toBeGreaterThan(0);
    expect(egret("compile", conv, "-o", b).code).toBe(0);
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
    const make = spawnSync("make", ["-s", "-C", a], { encoding: "utf8" });
    expect(make.status, make.stderr).toBe(0);
    expect(existsSync(join(a, "runner"))).toBe(true);
  });

  it("garbage and truncated models fail cleanly, naming the file, and write nothing", () => {
    const garbage = join(work, "garbage.onnx");
    writeFileSync(garbage, "this is not a model at all");
    const out = join(work, "never");
    const r = egret("compile", garbage, "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/garbage\.onnx/);
    expect(r.err).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(existsSync(out)).toBe(false);
    const truncated = join(work, "truncated.onnx");
    writeFileSync(truncated, readFileSync(conv).subarray(0, 100));
    const t = egret("info", truncated);
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/truncated\.onnx/);
  });

  it("an output directory that cannot be written is a clear error with nothing left behind", () => {
    const blocker = join(work, "file-not-dir");
    writeFileSync(blocker, "x");
    const r = egret("compile", conv, "-o", join(blocker, "sub"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/output directory/);
    if (process.getuid?.() !== 0) {
      const ro = join(work, "readonly");
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      const r2 = egret("compile", conv, "-o", join(ro, "out"));
      expect(r2.code).toBe(1);
      expect(readdirSync(ro)).toEqual([]);
    }
  });

  it("bad --input-shape values are rejected naming the option", () => {
    const r = egret("info", conv, "--input-shape", "nosuchinput=1x2");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--input-shape/);
    const r2 = egret("info", conv, "--input-shape", "garbage");
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/NAME=DIMS/);
  });

  it("run writes .npy outputs that match the expected result", () => {
    const dir = join(data, "node", "test_relu");
    const x = join(work, "x.npy");
    // Build the .npy input from the case's TensorProto with the library itself.
    const script = `
      import { decodeTensorProto } from "${join(import.meta.dirname, "..", "..", "dist", "src", "importers", "onnx", "index.js")}";
      import { writeNpy } from "${join(import.meta.dirname, "..", "..", "dist", "src", "io", "npy.js")}";
      import { readFileSync } from "node:fs";
      writeNpy(${JSON.stringify(x)}, decodeTensorProto(readFileSync(${JSON.stringify(join(dir, "test_data_set_0", "input_0.pb"))})));`;
    const gen = spawnSync("node", ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(gen.status, gen.stderr).toBe(0);
    const outDir = join(work, "run-out");
    const r = egret("run", join(dir, "model.onnx"), "--input", x, "--output-dir", outDir);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(outDir)).toEqual(["y.npy"]);
  });
});
