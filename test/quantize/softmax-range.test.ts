import { describe, expect, it } from "vitest";
import { buildGraph, runGraph, Tensor } from "../../src/index.js";
import { calibrate } from "../../src/quantize/calibrate.js";
import { sqnrDb } from "../../src/quantize/metrics.js";
import { quantizeWithStats } from "../../src/quantize/ptq.js";
import { quantizeGraph } from "../../src/quantize/quantize-graph.js";
import { SOFTMAX_NEGLIGIBLE_LOGIT, softmaxInputRange } from "../../src/quantize/softmax-range.js";
import { emptyStats, observeRange } from "../../src/quantize/stats.js";
import { OPS } from "../support/toolchain.js";

/** logits = a + b (read only by the Softmax) -> probs: new combinations of a and b reach new top logits. */
const graph = buildGraph({
  name: "softmax",
  opset: 13,
  inputs: [{ name: "a", dtype: "float32", dims: [1, 4] }, { name: "b", dtype: "float32", dims: [1, 4] }],
  outputs: ["probs"],
  constants: new Map(),
  nodes: [
    { name: "add", op: "Add", inputs: ["a", "b"], outputs: ["logits"], attrs: {} },
    { name: "softmax", op: "Softmax", inputs: ["logits"], outputs: ["probs"], attrs: { axis: -1 } },
  ],
});
const row = (a: number[], b: number[]) => [Tensor.fromNumbers("float32", [1, 4], a), Tensor.fromNumbers("float32", [1, 4], b)];

describe("Softmax inputs: the range below the negligible logits moves above the observed top", () => {
  it("keeps the span (the step) and starts at the smallest row maximum minus ln(512)", () => {
    const s = emptyStats();
    observeRange(s, Tensor.fromNumbers("float32", [2, 4], [-20, -3, 1, 2, -25, -1, 0, 3]));
    expect(s.rowMaxMin).toBe(2);
    const r = softmaxInputRange({ lo: -25, hi: 3 }, s);
    expect(r.lo).toBeCloseTo(2 - SOFTMAX_NEGLIGIBLE_LOGIT, 12);
    expect(r.hi - r.lo).toBeCloseTo(28, 12);
    // A range that already starts above that floor is left alone.
    expect(softmaxInputRange({ lo: -2, hi: 3 }, s)).toEqual({ lo: -2, hi: 3 });
  });

  it("calibrated on unconfident rows, a more confident input keeps its top logit", () => {
    const calib = [row([-20, -1, 1, 2.5], [4, 0, 0, 0]), row([-18, 0, 2, 3], [0, 0, 0, 0]), row([-25, 1, 2, 2.2], [0, 0, 0, 0])];
    const stats = calibrate(graph, calib, { ops: OPS, histograms: true });
    const q = quantizeWithStats(graph, stats, { ops: OPS, dtype: "int8", method: "minmax", perChannel: true });
    // The same program with the logits' observed range, for comparison.
    const observed = quantizeGraph(graph, new Map([...stats].map(([n, st]) => [n, { lo: st.min, hi: st.max }])), { ops: OPS, perChannel: true, dtypeOf: () => "int8" });
    const logits = q.copies.get("logits")![0]!.params;
    const top = logits.scale * (127 - logits.zeroPoint);
    expect(top).toBeGreaterThan(3 + 10);
    expect(q.floors.get("logits")).toBeCloseTo(2.2 - SOFTMAX_NEGLIGIBLE_LOGIT, 5);
    // a and b within their calibrated ranges, their sum beyond the logits': [-10, 0, 1, 7].
    const confident = row([-10, 0, 1, 3], [0, 0, 0, 4]);
    const float = runGraph(graph, confident)[0]!.toNumbers();
    const shiftedDb = sqnrDb(float, runGraph(q.graph, confident)[0]!.toNumbers());
    expect(shiftedDb).toBeGreaterThan(30);
    expect(shiftedDb).toBeGreaterThan(sqnrDb(float, runGraph(observed.graph, confident)[0]!.toNumbers()) + 10);
    // The calibration rows lose nothing: their probabilities stay as close as with min/max ranges.
    for (const c of calib) expect(sqnrDb(runGraph(graph, c)[0]!.toNumbers(), runGraph(q.graph, c)[0]!.toNumbers())).toBeGreaterThan(30);
  });
});
