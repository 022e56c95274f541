/**
 * Dilated 3×3 convolutions on the KPU (backends/k210/kpu-dilation.ts, nncase v0.2's
 * eliminate_dilated_conv2d, K210-KPU.md §5.3 item 2): compiled --target k210, every conv runs as
 * d² KPU phase layers between CPU copies; the C program (simulator driver) and model.kmodel (run by
 * our v4 runner) agree with the lowered program and with the float program within quantisation error.
 */
import { describe, expect, it } from "vitest";
import { dilatedNetwork } from "../../../bench/k210-networks.js";
import { seededRandomInputs } from "../../../backends/k210/calibrate.js";
import { parseKmodel } from "../../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../../backends/k210/kmodel/run-v4.js";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { dilatedPhases } from "../../../backends/k210/kpu-dilation.js";
import { KPU_DILATED_CONV2D } from "../../../backends/k210/ops/kpu-dilated-conv2d.js";
import { kpuConvVerdict } from "../../../backends/k210/legality.js";
import { buildGraph, compile, runGraph, type Graph, type Tensor } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { worstAndRange } from "../k210-support.js";

/** x[1,4,13,11] → 3×3 conv d=2 (Relu) → depthwise 3×3 d=3: sizes that are no multiples of d (13/2, 11/3 …). */
function oddDepthwiseNetwork(): Graph {
  return buildGraph({
    name: "dilated_odd",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 4, 13, 11] }],
    outputs: ["y2"],
    constants: new Map([["w1", randomTensor([6, 4, 3, 3], 61, -0.5, 0.5)], ["b1", randomTensor([6], 62, -0.1, 0.1)], ["w2", randomTensor([6, 1, 3, 3], 63, -0.5, 0.5)]]),
    nodes: [
      { name: "d2", op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["y1r"], attrs: { pads: [2, 2, 2, 2], dilations: [2, 2] } },
      { name: "r1", op: "Relu", inputs: ["y1r"], outputs: ["y1"], attrs: {} },
      { name: "dw3", op: "Conv", inputs: ["y1", "w2"], outputs: ["y2"], attrs: { pads: [3, 3, 3, 3], dilations: [3, 3], group: 6 } },
    ],
  });
}

const hex = (t: Tensor) => Buffer.from(t.bytes()).toString("hex");

async function expectOnKpu(graph: Graph, phaseLayers: number): Promise<void> {
  const calibration = seededRandomInputs(graph, 2, 5);
  const x = seededRandomInputs(graph, 1, 77)[0]!;
  const result = compile(graph, { target: "k210", calibration });
  const program = result.graph;
  // Every conv is a KPU layer: d² phase layers per dilated conv, no float Conv left, all MACs on the KPU.
  const layers = expandKpuChains(program).nodes;
  expect(layers.filter((n) => n.op === "KpuConv2D").length).toBe(phaseLayers);
  expect(layers.some((n) => n.op === "Conv" || n.op === "KpuConv2DCandidate")).toBe(false);
  // The C program runs each dilated conv as one node gathering its phases (kpu-dilated-fold.ts).
  expect(program.nodes.map((n) => n.op)).toEqual([KPU_DILATED_CONV2D, KPU_DILATED_CONV2D]);
  const report = result.summary.targetReport!;
  expect(report["kpuMacs"]).toBeGreaterThan(0);
  expect(report["kpuMacs"]).toBe(report["totalMacs"]);
  const kmodel = parseKmodel(result.binaryFiles.get("model.kmodel")!, "model.kmodel");
  if (kmodel.version !== 4) throw new Error("expected a v4 kmodel");
  expect(kmodel.nodes.filter((n) => n.name === "kpu_conv2d").length).toBe(phaseLayers);
  expect(kmodel.nodes.some((n) => n.name === "conv2d")).toBe(false);

  const lowered = runGraph(program, x)[0]!;
  const float = runGraph(graph, x)[0]!.toNumbers();
  const fromC = (await buildAndRunAsync(result.files, program.outputs, x, { cflags: SANITIZE_CFLAGS }))[0]!;
  const fromKmodel = new Float32Array(runKmodelV4(kmodel, x.map((t) => new Uint8Array(t.bytes())))[0]!.slice().buffer);
  // The C program is the lowered program bit for bit (the simulator is integer, the copies exact),
  // and so is the expansion the kmodel is written from (each phase and copy a node of its own).
  expect(hex(fromC)).toBe(hex(lowered));
  expect(hex(fromC)).toBe(hex(runGraph(expandKpuChains(program), x)[0]!));
  // The kmodel: the same KPU bytes; dequantisation by 1/scale (nncase's convention) rounds differently.
  const kmodelVsC = worstAndRange(fromKmodel, fromC.toNumbers());
  expect(kmodelVsC.worst).toBeLessThanOrEqual(1e-5 * kmodelVsC.range);
  // Both against the float program: the quantisation bound of k210-kmodel.test.ts (8 % of the range).
  for (const got of [fromC.toNumbers(), fromKmodel]) {
    const { worst, range } = worstAndRange(got, float);
    expect(range).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(0.08 * range);
  }
}

describe("k210: dilated 3×3 convs as KPU phase layers (space-to-batch)", () => {
  it("bench's dilated network (32×32, d = 2 then 3): 4 + 9 KPU layers, C and kmodel match the float program", async () => {
    await expectOnKpu(dilatedNetwork(), 4 + 9);
  });

  it("odd sizes (13×11) and a depthwise dilated conv: padded phases, cropped output", async () => {
    await expectOnKpu(oddDepthwiseNetwork(), 4 + 9);
  });

  it("legality checks the phase maps, and says why a dilated conv stays on the CPU", () => {
    const conv = (attrs: Record<string, number[]>) => ({ name: "c", op: "Conv", inputs: [], outputs: [], attrs });
    const t = (shape: number[]) => ({ dtype: "float32" as const, shape });
    const same2 = { pads: [2, 2, 2, 2], dilations: [2, 2] };
    const ok = kpuConvVerdict(conv(same2), t([1, 8, 9, 8]), t([8, 8, 3, 3]), t([1, 8, 9, 8]));
    expect(ok.ok && ok.geometry.dilation).toEqual({ factor: 2, height: 9, width: 8 });
    expect(ok.ok && [ok.geometry.inHeight, ok.geometry.inWidth]).toEqual([5, 4]);
    // A 6×6 map with d = 2 has 3×3 phases: below the KPU's 4×4 (§1.4).
    const small = kpuConvVerdict(conv(same2), t([1, 8, 6, 6]), t([8, 8, 3, 3]), t([1, 8, 6, 6]));
    expect(small.ok ? "" : small.reason).toMatch(/dilation 2, as 4 phase layers of 3×3: input width 3/);
    const valid = kpuConvVerdict(conv({ pads: [0, 0, 0, 0], dilations: [2, 2] }), t([1, 8, 16, 16]), t([8, 8, 3, 3]), t([1, 8, 12, 12]));
    expect(valid.ok ? "" : valid.reason).toMatch(/needs "same" padding 2/);
    expect(dilatedPhases(conv({ dilations: [2, 3], pads: [2, 2, 2, 2] }), t([1, 8, 16, 16]), t([8, 8, 3, 3]), t([1, 8, 16, 16]))).toMatch(/equal dilations/);
    expect(dilatedPhases(conv({ pads: [1, 1, 1, 1] }), t([1, 8, 16, 16]), t([8, 8, 3, 3]), t([1, 8, 16, 16]))).toBeUndefined();
  });
});
