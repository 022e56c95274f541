import { describe, expect, it } from "vitest";
import { requantTable } from "../../backends/cortex-m/ops/requant-table.js";

/** The compile-time requantization table of the DSP kernels (the C side is checked bit for bit in quant-dsp.test.ts). */
describe("requantTable", () => {
  it("holds m, 2^30 + 2^(30+r) as words and r - 1 per channel; a per-tensor pair is replicated", () => {
    const t = requantTable([1 << 30], [-3], 3)!;
    expect(t).toHaveLength(3);
    const c = (1n << 30n) + (1n << 33n);
    for (const e of t) expect(e).toEqual({ mult: 1 << 30, cLo: Number(c & 0xffffffffn), cHi: Number(c >> 32n), rs: 2 });
    const r1 = requantTable([5, 7], [-1, -31], 2)!;
    expect(r1[0]).toEqual({ mult: 5, cLo: 2 ** 30 + 2 ** 31, cHi: 0, rs: 0 });
    expect(r1[1]).toEqual({ mult: 7, cLo: 2 ** 30, cHi: 2 ** 29, rs: 30 });
  });

  it("is undefined when a shift is outside [-31, -1] or a multiplier negative (the kernel's mult/shift path)", () => {
    expect(requantTable([1 << 30, 1 << 30], [-2, 0], 2)).toBeUndefined();
    expect(requantTable([1 << 30], [1], 4)).toBeUndefined();
    expect(requantTable([-1], [-2], 1)).toBeUndefined();
    expect(requantTable([1 << 30], [-32], 1)).toBeUndefined();
  });
});
