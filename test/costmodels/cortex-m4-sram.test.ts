import { describe, expect, it } from "vitest";
import { collapse } from "../../costmodels/index.js";
import { CORTEX_M4_SRAM_CYCLES_PER_BYTE } from "../../backends/cortex-m/sram-price.js";
import { costModelOf, OPS } from "../support/toolchain.js";

/** The cortex-m4 cost model prices kernel scratch (SRAM) on top of cycles (backends/cortex-m/sram-price.ts). */
describe("cortex-m4 prices kernel scratch memory", () => {
  const x = { dtype: "int8" as const, shape: [1, 25, 5, 64] };
  const w = { dtype: "int8" as const, shape: [64, 3, 3, 64] };
  const y = { dtype: "int8" as const, shape: [1, 25, 5, 64] };
  const node = (op: string) => ({ name: "n", op, inputs: ["x", "w"], outputs: ["y"], attrs: { x_scale: 1, w_scale: [1], y_scale: 1, pads: [1, 1, 1, 1] } });

  it("a DSP conv with scratch carries scratchBytes = its OpDef scratch, weighted in the collapsed cost", () => {
    const model = costModelOf("cortex-m4");
    const n = node("QConv2DDsp");
    const scratch = OPS.get("QConv2DDsp")!.scratchBytes!(n, [x, w], [y]);
    expect(scratch).toBeGreaterThan(1000);
    const v = model.nodeCost(n, [x, w], [y], OPS);
    expect(v.scratchBytes).toBe(scratch);
    expect(model.weights.scratchBytes).toBe(CORTEX_M4_SRAM_CYCLES_PER_BYTE);
    const withoutScratch = collapse(model, { ...v, scratchBytes: 0 });
    expect(collapse(model, v) - withoutScratch).toBeCloseTo(CORTEX_M4_SRAM_CYCLES_PER_BYTE * scratch, 6);
  });

  it("an op without scratch (the generic conv, the scratch-free DSP FC) has no scratch factor", () => {
    const model = costModelOf("cortex-m4");
    expect(model.nodeCost(node("QConv2D"), [x, w], [y], OPS).scratchBytes).toBeUndefined();
    const fc = { name: "f", op: "QFullyConnectedDsp", inputs: ["x", "w"], outputs: ["y"], attrs: { x_scale: 1, w_scale: [1], y_scale: 1 } };
    const v = model.nodeCost(fc, [{ dtype: "int8", shape: [1, 640] }, { dtype: "int8", shape: [128, 640] }], [{ dtype: "int8", shape: [1, 128] }], OPS);
    expect(v.scratchBytes).toBeUndefined();
    expect(v.cycles).toBeGreaterThan(640 * 128);
  });
});
