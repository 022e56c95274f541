import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { boardNeed, MPS2_MEMORY, requireFitsBoard } from "../../backends/cortex-m/board.js";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { CORTEX_M_VARIANTS } from "../../backends/cortex-m/variants.js";
import { buildGraph, compile, toolchain, writeOutputDir } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

/**
 * RAM on Cortex-M counts persistent state (SVDF/LSTM statics kept across runs) beside the arena,
 * the stack and other statics: in the board fit check before anything is written, and in the size
 * report of the cross build (`compile --json`'s targetSize, bench:cortex-m).
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-state-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const m4 = CORTEX_M_VARIANTS.find((v) => v.name === "cortex-m4")!;

describe("Cortex-M RAM counts persistent state", () => {
  it("the fit check adds the state to arena + inputs/outputs + stack, and names it", () => {
    const graph = buildGraph({ name: "tiny", opset: 17, inputs: [{ name: "x", dtype: "int8", dims: [1, 4] }], outputs: ["y"], constants: new Map(), nodes: [{ name: "id", op: "Identity", inputs: ["x"], outputs: ["y"], attrs: {} }] });
    const arena = MPS2_MEMORY.ramBytes - MPS2_MEMORY.stackReserveBytes - 8 - 100;
    const fits = boardNeed(graph, arena, 0, 100);
    expect(fits.ram).toBe(MPS2_MEMORY.ramBytes);
    expect(() => requireFitsBoard(m4, fits)).not.toThrow();
    const over = boardNeed(graph, arena, 0, 101);
    expect(over.ram).toBe(MPS2_MEMORY.ramBytes + 1);
    expect(() => requireFitsBoard(m4, over)).toThrow(new RegExp(`needs ${MPS2_MEMORY.ramBytes + 1} bytes of RAM \\(arena ${arena} \\+ inputs/outputs 8 \\+ stack ${MPS2_MEMORY.stackReserveBytes} \\+ state 101\\)`));
  });

  it("keyword_scrambled (SVDF) on cortex-m4: 10,240 B of state in the size report's RAM total, not reentrant", async (ctx) => {
    const shared = sharedOrSkip(ctx, "the SVDF state size report (keyword_scrambled)");
    const graph = importModelFile(join(shared, "models", "tflite", "tflm-models", "keyword_scrambled.tflite"));
    const result = compile(graph, { target: "cortex-m4" });
    expect(result.files.get("model.h")).toMatch(/#define MODEL_STATE_BYTES 10240u/);
    expect(result.files.get("model.h")).toMatch(/#define MODEL_REENTRANT 0\b/);
    const dir = join(work, "kws-scrambled");
    writeOutputDir(dir, result.files);
    await promisify(execFile)("make", ["-s", "-C", harnessDir(dir), "runner.elf"], { timeout: CHILD_TIMEOUT_MS });
    const size = toolchain.target("cortex-m4").sizeReport!(dir, result.summary.arenaBytes) as { ram: { arena: number; stack: number; state: number; otherStatic: number; total: number } };
    expect(size.ram.state).toBe(10240);
    expect(size.ram.arena).toBe(result.summary.arenaBytes);
    expect(size.ram.total).toBe(size.ram.arena + size.ram.stack + size.ram.state + size.ram.otherStatic);
    expect(size.ram.total).toBeGreaterThan(size.ram.arena + 10240);
  });
});
