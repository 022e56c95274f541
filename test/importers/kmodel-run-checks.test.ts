/**
 * `egret run` on corrupt kmodels: the runner checks every node against its memory ranges and a
 * work budget before executing, so a changed byte is an EgretError naming the node, never a
 * RangeError from a typed array (issue 12: byte 618 of v4/iris.kmodel made `egret run` throw
 * "offset is out of bounds" while `egret info` was clean).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EgretError } from "../../src/errors.js";
import { parseKmodel, type KmodelV4 } from "../../src/importers/kmodel/index.js";
import { checkKmodelV4Runnable, KMODEL_RUN_WORK_BUDGET } from "../../src/importers/kmodel/run-v4-checks.js";
import { runKmodelV4 } from "../../src/importers/kmodel/run-v4.js";
import { writeNpy } from "../../src/io/npy.js";
import { Tensor } from "../../src/ir/tensor.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { SHARED } from "../support/testdata.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const shared = SHARED;
const NEEDS_SHARED = "kmodel runner bounds tests";
const IRIS = shared === undefined ? "" : join(shared, "models", "kmodel", "v4", "iris.kmodel");
const work = mkdtempSync(join(tmpdir(), "egret-kmodel-run-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const irisInput = new Uint8Array(Float32Array.from([5.1, 3.8, 1.9, 0.4]).buffer);

/** Parse and run; returns "ok", or the EgretError's message. Anything else is thrown on. */
function parseAndRun(bytes: Uint8Array): string {
  try {
    runKmodelV4(parseKmodel(bytes, "mutant.kmodel") as KmodelV4, [irisInput], "mutant.kmodel");
    return "ok";
  } catch (e) {
    if (e instanceof EgretError) return e.message;
    throw e;
  }
}

describe("kmodel v4 runner bounds checks", () => {
  it("egret run on iris.kmodel with byte 618 changed exits 1 naming the node (info stays clean)", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const bytes = new Uint8Array(readFileSync(IRIS));
    bytes[618] = 0xff; // a dimension of node 2's (transpose) in_shape
    const file = join(work, "iris-618.kmodel");
    writeFileSync(file, bytes);
    const input = join(work, "iris.npy");
    writeNpy(input, Tensor.fromNumbers("float32", [1, 4], [5.1, 3.8, 1.9, 0.4]));
    const info = spawnSync("node", [EGRET, "info", file], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(info.status).toBe(0);
    const run = spawnSync("node", [EGRET, "run", file, "--input", input, "--output-dir", join(work, "out")], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
    expect(run.stderr).not.toMatch(/internal error|RangeError|offset is out of bounds/);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^egret: error: .*iris-618\.kmodel: node 2 \(transpose\): input range holds 120 bytes but the node's attributes need \d+; the file is corrupt/);
  });

  it("every single-byte change of iris.kmodel runs or fails with an EgretError", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const original = new Uint8Array(readFileSync(IRIS));
    expect(parseAndRun(original)).toBe("ok");
    const outcomes = new Map<string, number>();
    for (let at = 0; at < original.length; at++) {
      for (const value of [0x00, 0x80, 0xff]) {
        if (original[at] === value) continue;
        const bytes = original.slice();
        bytes[at] = value;
        const r = parseAndRun(bytes) === "ok" ? "ok" : "error";
        outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
      }
    }
    // Both happen: float weights change without harm, header and shape bytes are caught.
    expect(outcomes.get("ok")).toBeGreaterThan(500);
    expect(outcomes.get("error")).toBeGreaterThan(500);
  });

  it("refuses a model whose work exceeds the budget, naming the node that crosses it", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const model = parseKmodel(new Uint8Array(readFileSync(IRIS)), "iris.kmodel") as KmodelV4;
    expect(checkKmodelV4Runnable(model, "iris.kmodel")).toBe(140);
    // matmul a_rows × a_cols × b_cols beyond the budget, with ranges to match: still refused.
    const matmul = model.nodes.find((n) => n.name === "matmul")!;
    const huge = { ...matmul, body: { ...matmul.body, attrs: { ...matmul.body.attrs, a_rows: 1, a_cols: 1, b_cols: KMODEL_RUN_WORK_BUDGET + 1 } } };
    huge.body.inputs = huge.body.inputs.map((r) => ({ ...r, size: 2 ** 40 }));
    huge.body.outputs = huge.body.outputs.map((r) => ({ ...r, size: 2 ** 40 }));
    const tooBig: KmodelV4 = { ...model, nodes: model.nodes.map((n) => (n === matmul ? huge : n)) };
    expect(() => checkKmodelV4Runnable(tooBig, "big.kmodel")).toThrow(/big\.kmodel: node 1 \(matmul\): brings the model's work to .* over egret run's budget/);
  });

  it("rejects loops that would not advance and main memory beyond the K210's SRAM", (ctx) => {
    sharedOrSkip(ctx, NEEDS_SHARED);
    const model = parseKmodel(new Uint8Array(readFileSync(IRIS)), "iris.kmodel") as KmodelV4;
    const transpose = model.nodes[0]!;
    const badPerm = { ...transpose, body: { ...transpose.body, attrs: { ...transpose.body.attrs, perm: [0, 1, 1, 3] } } };
    expect(() => checkKmodelV4Runnable({ ...model, nodes: [badPerm] }, "p.kmodel")).toThrow(/node 0 \(transpose\): perm \[0, 1, 1, 3\] is not a permutation/);
    const slice = { ...transpose, name: "strided_slice", body: { ...transpose.body, attrs: { in_shape: [1, 1, 1, 4], begin: [0, 0, 0, 0], end: [1, 1, 1, 4], strides: [1, 1, 1, 0] } } };
    expect(() => checkKmodelV4Runnable({ ...model, nodes: [slice] }, "s.kmodel")).toThrow(/stride of axis 3 is 0/);
    expect(() => checkKmodelV4Runnable({ ...model, mainMem: 2 ** 32 - 1 }, "m.kmodel")).toThrow(/main_mem = 4294967295 bytes exceeds the K210's/);
  });
});
