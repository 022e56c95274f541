/**
 * slim-320 (../shared) for the K210 with uint8 frames: the C program plans no more main RAM than
 * Egret's own kmodel (issue 17 item 3), since its eight heads write straight into their slices of
 * the two concats (concats in place, src/schedule/concat-views.ts; `boxes` is the caller's output
 * buffer) and the maps only KPU layers read wait in KPU RAM as empty tokens. What is left is the
 * two float outputs (106,080 B) and the score concat before the Softmax (35,360 B). Compiled by the
 * CLI as an awaited child (seeded calibration: the figures depend on shapes only).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { egretMeasured } from "../../support/measured-cli.js";
import { sharedFor } from "../../support/shared-skip.js";

const work = mkdtempSync(join(tmpdir(), "egret-k210-slim-ram-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("slim-320's C program on the K210", () => {
  const useShared = sharedFor("slim-320's C main RAM against its kmodel's");

  it("plans the kmodel's main RAM: heads written into their concats, the score concat the whole arena", async (ctx) => {
    const shared = useShared(ctx);
    const out = join(work, "slim");
    const run = await egretMeasured("compile", join(shared, "models/kmodel/source/slim-320.caffemodel"), "--target", "k210", "--input-type", "uint8", "--mean", "0", "--std", "1", "--json", "-o", out);
    expect(run.code, run.err).toBe(0);
    const summary = JSON.parse(run.out) as { arenaBytes: number; targetReport: Record<string, number> };
    const outputs = 4420 * (4 + 2) * 4;
    expect(summary.arenaBytes).toBe(4420 * 2 * 4);
    expect(summary.targetReport["mainRamBytes"]).toBe(summary.arenaBytes + outputs);
    expect(summary.targetReport["mainRamBytes"]).toBeLessThanOrEqual(summary.targetReport["kmodelMainRamBytes"]!);
  });
});
