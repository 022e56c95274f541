/**
 * What keeps the kmodel's main memory down (kmodel/motion.ts, kmodel/translate.ts) stays bit-exact,
 * and the latency estimate (latency.ts) adds up: a stride-2 depthwise KPU layer followed by a 1×1
 * KPU layer keeps its full map in KPU RAM and the 1×1 layer picks (2i, 2j) with pool type 5.
 */
import { describe, expect, it } from "vitest";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { estimateKmodelLatency, K210_CLOCK_HZ } from "../../backends/k210/latency.js";
import { layerGeometry } from "../../backends/k210/kpu-layer.js";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { kpuLayerCycles } from "../../backends/k210/cost-model.js";
import { buildGraph } from "../../src/index.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { describeKmodel, formatKmodelInfo } from "../../backends/k210/kmodel/describe.js";
import { runGraph as runLibraryGraph } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";

function separable(pads: number[]) {
  const x = randomTensor([1, 8, 16, 16], 21, 0, 1);
  const graph = buildGraph({
    name: "separable",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y2"],
    constants: new Map([["wd", randomTensor([8, 1, 3, 3], 22, -0.5, 0.5)], ["wp", randomTensor([16, 8, 1, 1], 23, -0.5, 0.5)]]),
    nodes: [
      { name: "dw", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "wd"], outputs: ["y1"], attrs: { pads, strides: [2, 2], group: 8, activation: "Relu" } },
      { name: "pw", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "wp"], outputs: ["y2"], attrs: {} },
    ],
  });
  return { program: lowerForK210(graph, [[x], [randomTensor([1, 8, 16, 16], 24, 0, 1)]], OPS).program, x };
}

const parseV4 = (bytes: Uint8Array): KmodelV4 => {
  const m = parseKmodel(bytes, "k");
  if (m.version !== 4) throw new Error("v4 expected");
  return m;
};

describe("kmodel main memory", () => {
  it("stride-2 depthwise → 1×1: no strided_slice or re-upload, pool type 5 on the full map, same bytes as the program", () => {
    const { program, x } = separable([1, 1, 1, 1]);
    const model = parseV4(writeKmodel(program).bytes);
    expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "kpu_conv2d", "dequantize"]);
    const pw = layerGeometry(model.nodes[3]!.body.kpu!.layer.args);
    expect([pw.poolType, pw.inWidth, pw.inHeight, pw.outWidth, pw.outHeight]).toEqual([5, 16, 16, 8, 8]);
    const got = new Float32Array(runKmodelV4(model, [new Uint8Array(x.bytes())])[0]!.slice().buffer);
    const want = runLibraryGraph(program, [x])[0]!.toNumbers();
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
  });

  it("TF-SAME offsets (1, 1) keep the CPU subsampling (pool type 5 picks (2i, 2j) only)", () => {
    const { program } = separable([0, 0, 1, 1]);
    const names = parseV4(writeKmodel(program).bytes).nodes.map((n) => n.name);
    expect(names).toContain("strided_slice");
  });

  it("the latency estimate: KPU layers at kpuLayerCycles, the total is the sum over nodes at 400 MHz", () => {
    const { program } = separable([1, 1, 1, 1]);
    const model = parseV4(writeKmodel(program).bytes);
    const est = estimateKmodelLatency(model);
    const kpu = est.nodes.filter((n) => n.unit === "kpu");
    expect(kpu.length).toBe(2);
    model.nodes.filter((n) => n.body.kpu !== undefined).forEach((n, i) => {
      const g = layerGeometry(n.body.kpu!.layer.args);
      expect(kpu[i]!.cycles).toBe(kpuLayerCycles({ ...g, kernel: g.kernel === 1 ? 1 : 3, layout: "NCHW" }));
    });
    const total = est.nodes.reduce((s, n) => s + n.cycles, 0);
    expect(est.totalMs).toBeCloseTo((1000 * total) / K210_CLOCK_HZ, 9);
    expect(est.cpuMs).toBeGreaterThan(0);
    // egret info lists each node's share and the total (µs and ms rounded to 3 decimals).
    const info = describeKmodel(model, "k");
    const perLayerUs = info.layers.reduce((s, l) => s + l.estUs!, 0);
    expect(Math.abs(perLayerUs - 1000 * est.totalMs)).toBeLessThanOrEqual(0.001 * info.layers.length);
    expect(info.latency?.totalMs).toBe(Math.round(est.totalMs * 1000) / 1000);
    expect(formatKmodelInfo(info)).toMatch(/estimated latency [\d.]+ ms at 400 MHz \(KPU [\d.]+ ms, CPU [\d.]+ ms; a cycle model not validated on silicon: it puts nncase's slim-320 kmodel at/);
  });
});
