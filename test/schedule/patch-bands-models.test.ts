import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { importTflite } from "../../src/importers/tflite/index.js";
import { runEachAsync } from "../support/c-run-many.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * Patch-based execution on person_detect int8: under an SRAM budget of half its layer-wise bound
 * (27,648 B) the optimizer picks a QPatchBands program for the first layers (halo rows kept, no
 * recomputation), the host arena falls to 23,040 B (37,296 B layer by layer with in-place
 * execution), and the C (under
 * ASan/UBSan) still matches TFLite Micro bit for bit on the 8 multi/ golden pairs.
 * A budget below every candidate fails naming the smallest arena reached. kws_ref_model at
 * --sram-budget 8000 (half its layer-wise bound): its whole conv stack and global average pool as
 * one patch chain, 7,360 B (10,048 B layer by layer), bit-exact on its 8 golden pairs.
 */
const useShared = sharedFor("patch-based execution of person_detect against its TFLite Micro goldens");
const MODEL = "models/tflite/tflm-models/person_detect.tflite";
const KWS = "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite";

async function expectGoldenPairs(shared: string, name: string, files: ReadonlyMap<string, string>): Promise<void> {
  const dir = join(shared, "golden", name, "multi");
  const inputs = Array.from({ length: 8 }, (_, k) => new Uint8Array(readFileSync(join(dir, `input_${k}_0.bin`))));
  const got = await runEachAsync(files, inputs, SANITIZE_CFLAGS);
  got.forEach((bytes, k) => expect(Array.from(bytes), `${name} pair ${k}`).toEqual(Array.from(new Uint8Array(readFileSync(join(dir, `output_${k}_0.bin`))))));
}

describe("patch-based execution on person_detect and kws_ref_model", () => {
  it("fits half the layer-wise bound with a patched program and stays bit-exact with TFLite Micro", async (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(new Uint8Array(readFileSync(join(shared, MODEL))), "person_detect.tflite");
    const result = compile(graph, { sramBudget: 27_648 });
    const patches = result.graph.nodes.filter((n) => n.op === "QPatchBands");
    const used = result.summary.optimizer?.extraction.used ?? "";
    console.log(`person_detect at --sram-budget 27648: arena ${result.summary.arenaBytes} B (layer-wise bound of this program ${result.summary.arenaLowerBound}, schedule bound ${result.summary.arenaScheduleBound}); chosen: ${used}`);
    expect(patches.length).toBe(1);
    expect(used).toMatch(/^patch\(/);
    expect(result.summary.arenaBytes).toBeLessThanOrEqual(27_648);
    expect(result.summary.arenaBytes).toBe(23_040);
    await expectGoldenPairs(shared, "person_detect", result.files);
  });

  it("fits kws_ref_model into half its layer-wise bound through its global pool, bit-exact with TFLite Micro", async (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(new Uint8Array(readFileSync(join(shared, KWS))), "kws_ref_model.tflite");
    const result = compile(graph, { sramBudget: 8_000 });
    const patches = result.graph.nodes.filter((n) => n.op === "QPatchBands");
    console.log(`kws_ref_model at --sram-budget 8000: arena ${result.summary.arenaBytes} B; chosen: ${result.summary.optimizer?.extraction.used ?? ""}`);
    expect(patches.length).toBe(1);
    expect(String(patches[0]!.attrs["stages"])).toMatch(/QAveragePool2D/);
    expect(result.summary.arenaBytes).toBeLessThanOrEqual(8_000);
    expect(result.summary.arenaBytes).toBe(7_360);
    await expectGoldenPairs(shared, "kws_ref_model", result.files);
  });

  it("names the smallest arena it reached when the budget cannot be met", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(new Uint8Array(readFileSync(join(shared, MODEL))), "person_detect.tflite");
    expect(() => compile(graph, { sramBudget: 16_384 })).toThrow(/no program fits an arena of 16384 bytes: the smallest arena found needs 20480 bytes/);
  });
});
