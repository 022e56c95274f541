/**
 * The kmodel's main memory is placed by lifetime (backends/k210/kmodel/placement.ts): the smaller
 * of first-use and largest-first placement. A short-lived small buffer under two long-lived ones
 * must not push a later, larger one past the live peak (ulffd_landmark's 38,400 B overshoot), and
 * TF-SAME stride-2 3×3 chains still run in the v4 runner with the program's bytes.
 */
import { describe, expect, it } from "vitest";
import { placeBuffers } from "../../../backends/k210/kmodel/placement.js";
import type { Buffer, KmodelPlan, PlannedNode } from "../../../backends/k210/kmodel/plan-types.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { parseKmodel, type KmodelV4 } from "../../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../../backends/k210/kmodel/run-v4.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { buildGraph, runGraph } from "../../../src/index.js";
import { randomTensor } from "../../support/graphs.js";
import { lowerK210 } from "../k210-support.js";

const parseV4 = (bytes: Uint8Array): KmodelV4 => {
  const m = parseKmodel(bytes, "k");
  if (m.version !== 4) throw new Error("v4 expected");
  return m;
};

describe("kmodel main-memory placement", () => {
  const buf = (id: number, size: number): Buffer => ({ id, pool: "main", datatype: "uint8", size });
  const node = (reads: Buffer[], writes: Buffer[]): PlannedNode => ({ opcode: 0, from: "n", reads, writes, body: () => undefined });

  it("a short-lived map under a concat's inputs: largest first reaches the live peak, first use does not", () => {
    // u (uint8 map, nodes 0–1) → a (its float copy, 1–3); b (2–3); c = concat(a, b) (3–4).
    const [u, a, b, c] = [buf(0, 400), buf(1, 1600), buf(2, 800), buf(3, 2400)];
    const plan: KmodelPlan = { nodes: [node([], [u]), node([u], [a]), node([], [b]), node([a, b], [c]), node([c], [])], buffers: [u, a, b, c], constants: new Uint8Array(0), inputs: [], outputs: [] };
    const placed = placeBuffers(plan, "main", 8);
    // First use would put c above u + a + b (400 + 1600 + 800 + 2400 = 5200); the peak is at node 3.
    expect(placed.size).toBe(1600 + 800 + 2400);
    const span = (x: Buffer) => [placed.offsets.get(x.id)!, placed.offsets.get(x.id)! + x.size] as const;
    const disjoint = (x: Buffer, y: Buffer) => span(x)[1] <= span(y)[0] || span(y)[1] <= span(x)[0];
    // Buffers live at the same node never share a byte.
    for (const [x, y] of [[u, a], [a, b], [a, c], [b, c]] as const) expect(disjoint(x, y)).toBe(true);
  });

  it("starts are 8-byte aligned: a 100 B map ends at 100, the next starts at 104", () => {
    const [p, q, r] = [buf(0, 100), buf(1, 300), buf(2, 200)];
    const plan: KmodelPlan = { nodes: [node([], [p]), node([p], [q]), node([q], [r])], buffers: [p, q, r], constants: new Uint8Array(0), inputs: [], outputs: [] };
    // Largest first: q at 0, r at 304 (above q, aligned), p at 304 (dead before r is born): 504.
    const placed = placeBuffers(plan, "main", 8);
    expect(placed.size).toBe(504);
    expect([...placed.offsets.values()].every((o) => o % 8 === 0)).toBe(true);
  });
});

/** TF-SAME padding (top, left, bottom, right) of a 3×3 stride-2 conv on an H×W map. */
function tfSamePads(h: number, w: number): number[] {
  const total = (n: number) => Math.max(0, (Math.ceil(n / 2) - 1) * 2 + 3 - n);
  return [Math.floor(total(h) / 2), Math.floor(total(w) / 2), total(h) - Math.floor(total(h) / 2), total(w) - Math.floor(total(w) / 2)];
}

/** x [1, 8, H, W] → 3×3 s2 TF-SAME (normal or depthwise) → 3×3 s2 TF-SAME (depthwise) → y. */
function tfSameChain(h: number, w: number, depthwise: boolean) {
  const h1 = Math.ceil(h / 2), w1 = Math.ceil(w / 2);
  const graph = buildGraph({
    name: "tf-same-s2",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, h, w] }],
    outputs: ["y2"],
    constants: new Map([["w1", randomTensor(depthwise ? [8, 1, 3, 3] : [8, 8, 3, 3], 61, -0.5, 0.5)], ["w2", randomTensor([8, 1, 3, 3], 62, -0.5, 0.5)]]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1"], outputs: ["y1"], attrs: { pads: tfSamePads(h, w), strides: [2, 2], group: depthwise ? 8 : 1, activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: { pads: tfSamePads(h1, w1), strides: [2, 2], group: 8 } },
    ],
  });
  const x = randomTensor([1, 8, h, w], 63, 0, 1);
  return { program: lowerK210(graph, [[x], [randomTensor([1, 8, h, w], 64, 0, 1)]]).program, x };
}

describe("TF-SAME stride-2 3×3 chains in the kmodel", () => {
  for (const [h, w] of [[16, 16], [15, 13]] as const) {
    for (const depthwise of [false, true]) {
      it(`${h}×${w}, first conv ${depthwise ? "depthwise" : "normal"}: runs like the program, main_mem from the shapes`, () => {
        const { program, x } = tfSameChain(h, w, depthwise);
        const model = parseV4(writeKmodel(program).bytes);
        // Each stride-2 layer runs at stride 1 and the CPU subsamples its uint8 map (TF-SAME offsets).
        expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "strided_slice", "kpu_upload", "kpu_conv2d", "strided_slice", "dequantize"]);
        // The peak is the quantize: the float input (8·H·W·4) and its uint8 copy (8·H·W) are both live;
        // every later pair (full map + slice, slice + float output) is smaller.
        expect(model.mainMem).toBe(8 * h * w * 4 + 8 * h * w);
        const got = new Float32Array(runKmodelV4(model, [new Uint8Array(x.bytes())])[0]!.slice().buffer);
        const want = runGraph(program, [x])[0]!.toNumbers();
        expect(got.length).toBe(want.length);
        want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      });
    }
  }
});
