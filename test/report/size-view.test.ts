import { describe, expect, it } from "vitest";
import type { MeasuredSize } from "../../src/pipeline/target.js";
import { describeSizes } from "../../src/report/size-view.js";

/** The report's flash/RAM rows: a measured RAM total already holds the state, so it is counted once. */
describe("describeSizes", () => {
  const measured: MeasuredSize = {
    flash: { text: 5000, rodata: 3000, weights: 2000, total: 8000 },
    ram: { arena: 2080, staticBytes: 12400, stack: 300, state: 10240, otherStatic: 4, total: 2080 + 300 + 10240 + 4 },
  };

  it("measured: state and other statics as measured, the total as measured (state not added twice)", () => {
    const view = describeSizes({ weightsBytes: 2000, arenaBytes: 2080, stateBytes: 10240 }, measured, undefined);
    expect(view.ramTotal).toBe(12624);
    expect(view.ram).toEqual([
      { label: "arena", bytes: 2080 },
      { label: "stack (model_run)", bytes: 300 },
      { label: "state", bytes: 10240 },
      { label: "other statics", bytes: 4 },
    ]);
    expect(view.ram.reduce((s, r) => s + r.bytes, 0)).toBe(view.ramTotal);
  });

  it("planned (no cross build): arena + state", () => {
    const view = describeSizes({ weightsBytes: 2000, arenaBytes: 2080, stateBytes: 10240 }, undefined, 4096);
    expect(view.ramTotal).toBe(12320);
    expect(view.sramBudget).toBe(4096);
  });
});
