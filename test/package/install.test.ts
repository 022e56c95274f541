import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Tensor } from "../../src/ir/tensor.js";
import { encodeOnnxModel } from "../support/onnx-builder.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * The package as users get it: `npm pack`, install the tarball into an empty folder, run the
 * installed `egret` there. This catches what a run from the clone cannot: dist/ or a data file the
 * compiler reads at run time (C units, rule files, the linker script) missing from `files`.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const NPM_MISSING = spawnSync("npm", ["--version"], { encoding: "utf8" }).status !== 0;
const work = mkdtempSync(join(tmpdir(), "egret-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string) {
  const r = spawnSync(command, [...args], { cwd, encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Files under `dir` (relative to the package root) that are not TypeScript sources. */
function dataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir))) {
    const path = join(dir, entry);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...dataFiles(path));
    else if (!entry.endsWith(".ts")) out.push(path);
  }
  return out;
}

const model = encodeOnnxModel({
  inputs: [{ name: "x", dims: [1, 4] }],
  outputs: [{ name: "y", dims: [1, 3] }],
  nodes: [
    { op: "Gemm", inputs: ["x", "w", "b"], outputs: ["h"], name: "fc" },
    { op: "Relu", inputs: ["h"], outputs: ["y"], name: "relu" },
  ],
  initializers: { w: Tensor.fromNumbers("float32", [4, 3], Array.from({ length: 12 }, (_, i) => i / 12 - 0.4)), b: Tensor.fromNumbers("float32", [3], [0.1, -0.2, 0.3]) },
});

describe("the npm package, installed outside the clone", () => {
  // The tarball is packed with --ignore-scripts: `prepack` would rebuild dist/ while other test
  // files run the CLI from it. `npm test` builds before any test runs, so dist/ is current.
  it.skipIf(NPM_MISSING)(`packs dist/ and every runtime data file; the installed egret compiles and reports${NPM_MISSING ? " (skipped: npm is not on PATH)" : ""}`, () => {
    const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
    expect(packed.code, packed.err).toBe(0);
    expect(packed.err).not.toMatch(/Unknown (project|user) config/);
    const [info] = JSON.parse(packed.out) as { filename: string; files: { path: string }[] }[];
    if (info === undefined) throw new Error(`npm pack printed no package: ${packed.out}`);
    const shipped = new Set(info.files.map((f) => f.path));
    expect(shipped).toContain("dist/src/cli/main.js");
    expect(shipped).toContain("bin/egret.js");
    for (const data of ["runtime-c", "rules", "backends"].flatMap(dataFiles)) expect(shipped, `${data} is read at run time`).toContain(data);
    expect([...shipped].filter((f) => f.startsWith("test/") || f.startsWith("src/") || f.endsWith(".map"))).toEqual([]);

    const app = join(work, "app");
    mkdirSync(app);
    const tarball = join(work, info.filename);
    const installed = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
    expect(installed.code, installed.err).toBe(0);
    const egret = join(app, "node_modules", ".bin", "egret");
    expect(existsSync(egret)).toBe(true);
    expect(relative(ROOT, join(app, "node_modules", "@egret-nn", "egret")).startsWith("..")).toBe(true);

    writeFileSync(join(app, "tiny.onnx"), model);
    const host = run(egret, ["compile", "tiny.onnx", "-o", "out"], app);
    expect(host.code, host.err).toBe(0);
    for (const f of ["model.c", "model.h", "egret.h", "runner.c"]) expect(existsSync(join(app, "out", f)), f).toBe(true);
    const m4 = run(egret, ["compile", "tiny.onnx", "-o", "out-m4", "--target", "cortex-m4"], app);
    expect(m4.code, m4.err).toBe(0);
    // The QEMU harness (startup code, linker script) is copied from backends/cortex-m/ at run time, into harness/ beside the library.
    expect(readdirSync(join(app, "out-m4"), { recursive: true }).map(String).filter((f) => f.endsWith("mps2.ld"))).toEqual([join("harness", "mps2.ld")]);
    expect(existsSync(join(app, "out-m4", "model.mk"))).toBe(true);
    const report = run(egret, ["report", "tiny.onnx", "-o", "report.html"], app);
    expect(report.code, report.err).toBe(0);
    expect(readFileSync(join(app, "report.html"), "utf8")).toMatch(/^<!DOCTYPE html>/i);
  });
});
