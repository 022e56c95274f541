import { describe, expect, it } from "vitest";
import { TFLITE_TABLE_COLUMNS, TFLITE_TABLE_MODELS, tfliteTableMarkdown, tfliteTableRows } from "../../bench/tflite-table.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * The per-model TFLite table (bench/tflite-table.ts) is printed for the record; only its structure
 * is asserted, never timings or sizes that the optimizer may legitimately change.
 */
const useShared = sharedFor("the per-model TFLite table (kws_ref_model, person_detect, pretrainedResnet_quant, network_tester, hello_world_int8, keyword_scrambled, dtln)");

describe("TFLite per-model table", () => {
  it("measures every model with positive MACs and weights, an arena when it has intermediates, and prints a markdown table", (ctx) => {
    const shared = useShared(ctx);
    const rows = tfliteTableRows(shared);
    const table = tfliteTableMarkdown(rows);
    console.log(`\n${table}\n`);
    expect(rows.map((r) => r.model)).toEqual(TFLITE_TABLE_MODELS.map((m) => m.name));
    for (const r of rows) {
      expect(r.macs, r.model).toBeGreaterThan(0);
      // A single-op model (network_tester) has no intermediate tensor: its inputs and outputs are
      // the caller's buffers, so its arena is legitimately empty.
      const nodes = Object.values(r.ops).reduce((sum, n) => sum + n, 0);
      if (nodes > 1) expect(r.arenaBytes, r.model).toBeGreaterThan(0);
      else expect(r.arenaBytes, r.model).toBeGreaterThanOrEqual(0);
      expect(r.weightsBytes, r.model).toBeGreaterThan(0);
      expect(Object.keys(r.ops).length, r.model).toBeGreaterThan(0);
    }
    // The MLPerf/TFLM models with golden records carry TFLM's arena; hello_world has none.
    for (const name of ["kws_ref_model", "person_detect", "pretrainedResnet_quant", "keyword_scrambled"]) {
      expect(rows.find((r) => r.model === name)?.tflmArenaBytes, name).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.model === "hello_world_int8")?.tflmArenaBytes).toBeUndefined();
    const lines = table.split("\n");
    expect(lines).toHaveLength(rows.length + 2);
    for (const line of lines) expect(line.split(" | ")).toHaveLength(TFLITE_TABLE_COLUMNS.length);
  });
});
