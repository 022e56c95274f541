import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildGraph, compile, Tensor, type Graph } from "../../src/index.js";
import { EgretError } from "../../src/errors.js";
import { collectReport, readProfile, renderReportHtml } from "../../src/report/index.js";
import { describeQuantError } from "../../src/report/quant-view.js";
import { stateBytesOf } from "../../src/report/memory-view.js";
import { randomTensor } from "../support/graphs.js";
import { costModelOf, OPS } from "../support/toolchain.js";

/** What the report takes besides the compile: the host target's cost model and the ops. */
const HOST = { costModel: costModelOf("host"), ops: OPS };

const work = mkdtempSync(join(tmpdir(), "egret-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Conv -> Relu -> Conv -> Relu -> Reshape -> Add(skip of the reshaped input): fusion, an alias and a join. */
function model(): Graph {
  const constants = new Map<string, Tensor>([
    ["w1", randomTensor([4, 2, 3, 3], 1)],
    ["w2", randomTensor([4, 4, 3, 3], 2)],
    ["shape", new Tensor("int64", [2], BigInt64Array.from([1n, -1n]))],
  ]);
  return buildGraph({
    name: "report_test",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 2, 8, 8] }],
    outputs: ["y"],
    constants,
    nodes: [
      { name: "conv1", op: "Conv", inputs: ["x", "w1"], outputs: ["c1"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "relu1", op: "Relu", inputs: ["c1"], outputs: ["r1"], attrs: {} },
      { name: "conv2", op: "Conv", inputs: ["r1", "w2"], outputs: ["c2"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "relu2", op: "Relu", inputs: ["c2"], outputs: ["r2"], attrs: {} },
      { name: "add", op: "Add", inputs: ["r2", "r1"], outputs: ["s"], attrs: {} },
      { name: "flat", op: "Reshape", inputs: ["s", "shape"], outputs: ["y"], attrs: {} },
    ],
  });
}

describe("report model", () => {
  const graph = model();
  // The target's kernel rules off: the report is checked on the fused generic Convs (the blocked
  // float kernels' choice is test/ops/float-kernels-choice.test.ts's).
  const result = compile(graph, { reportBaseline: true, targetRules: false });
  const report = collectReport({ model: "dir/report_test.onnx", egretVersion: "0.0.0", before: graph, result, ...HOST });

  it("has one graph node per IR node before and after, with the fused activations marked", () => {
    expect(report.before.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
    expect(report.after.nodes.map((n) => n.op)).toEqual(result.graph.nodes.map((n) => n.op));
    expect(report.before.nodes.some((n) => n.fused !== undefined)).toBe(false);
    // The optimizer fuses both Relus into their Convs.
    expect(report.after.nodes.filter((n) => n.op === "Conv").map((n) => n.fused)).toEqual(["Relu", "Relu"]);
    expect(report.after.nodes.find((n) => n.op === "Conv")!.weightBytes).toBe(4 * 2 * 3 * 3 * 4);
    // The registry counts one MAC per element for Relu and Add; the fused Relus leave the sum.
    expect(report.before.totalMacs).toBe(64 * 4 * 2 * 9 + 64 * 4 * 4 * 9 + 3 * 256);
    expect(report.after.totalMacs).toBe(64 * 4 * 2 * 9 + 64 * 4 * 4 * 9 + 256);
    for (const e of report.after.edges) expect(e.from).toBeLessThan(e.to);
  });

  it("memory timeline: peak equals the arena, the live curve's maximum equals the lower bound", () => {
    const m = report.memory;
    expect(m.arenaBytes).toBe(result.summary.arenaBytes);
    expect(m.peakBytes).toBe(result.summary.arenaBytes);
    expect(Math.max(...m.liveBytes)).toBe(result.summary.arenaLowerBound);
    expect(m.lowerBound).toBe(result.summary.arenaLowerBound);
    for (const b of m.buffers) expect(b.offset + b.bytes).toBeLessThanOrEqual(m.arenaBytes);
    expect(m.stateBytes).toBe(0);
  });

  it("the e-graph run and planned sizes come from the compile", () => {
    const o = result.summary.optimizer!;
    expect(report.egraph!.iterations.length).toBe(o.iterations);
    expect(report.egraph!.hits.reduce((s, h) => s + h.applied, 0)).toBe(Object.values(o.hits).reduce((a, b) => a + b, 0));
    expect(report.egraph!.hits.map((h) => h.rule)).toContain("conv-relu");
    expect(report.sizes.source).toBe("planned");
    expect(report.sizes.flashTotal).toBe(result.summary.weightsBytes);
  });

  it("renders one self-contained page: an op-node per node, the peak attribute, no script or external resource", () => {
    const html = renderReportHtml(report);
    expect(html.match(/<g class="op-node[^"]*"/g)?.length).toBe(graph.nodes.length + result.graph.nodes.length);
    expect(html).toContain(`data-peak-bytes="${result.summary.arenaBytes}"`);
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/);
    expect(renderReportHtml(collectReport({ model: "dir/report_test.onnx", egretVersion: "0.0.0", before: graph, result: compile(graph, { reportBaseline: true, targetRules: false }), ...HOST }))).toBe(html);
  });

  it("escapes names from the model", () => {
    const html = renderReportHtml({ ...report, title: `<img src=x onerror="alert(1)">` });
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("quantisation rows come worst first; exact layers last", () => {
    const q = describeQuantError(
      {
        samples: 2,
        layers: [
          { tensor: "a", quantized: "a_q", dtype: "int8", sqnrDb: 30, cosine: 0.99 },
          { tensor: "b", quantized: "b_q", dtype: "int8", sqnrDb: Infinity, cosine: 1 },
          { tensor: "c", quantized: "c_q", dtype: "int8", sqnrDb: 12, cosine: 0.9 },
        ],
        outputs: [],
        floatFallbacks: [],
      },
      "test",
    );
    expect(q.layers.map((l) => l.tensor)).toEqual(["c", "a", "b"]);
  });

  it("counts persistent state arrays of model.c", () => {
    expect(stateBytesOf("static int16_t state_svdf[40];\nstatic float state_h[3];\nstatic int8_t w_x[9];\n")).toBe(80 + 12);
  });
});

describe("profile files", () => {
  it("reads measured instructions per node from bench --per-op --json (the last kernel set)", () => {
    const file = join(work, "profile.json");
    writeFileSync(file, JSON.stringify({ target: "cortex-m4", results: [{ kernels: "generic", perOp: [{ node: "a", measured: 10 }] }, { kernels: "optimised", perOp: [{ node: "a", measured: 4 }, { node: "b", measured: 6 }] }] }));
    const p = readProfile(file);
    expect(p.kernels).toBe("optimised");
    expect([...p.instructions]).toEqual([["a", 4], ["b", 6]]);
  });

  it("refuses a file that is not a per-op profile, naming it and the command that writes one", () => {
    const notJson = join(work, "bad.json");
    writeFileSync(notJson, "{");
    expect(() => readProfile(notJson)).toThrow(EgretError);
    expect(() => readProfile(notJson)).toThrow(/bad\.json.*not JSON.*--per-op --json/);
    const noOps = join(work, "noops.json");
    writeFileSync(noOps, JSON.stringify({ results: [{ kernels: "generic" }] }));
    expect(() => readProfile(noOps)).toThrow(/noops\.json.*no per-op results/);
    expect(() => readProfile(join(work, "missing.json"))).toThrow(/missing\.json.*cannot be read/);
  });
});
