/**
 * Concats in place in the kmodel (backends/k210/kmodel/in-place-concat.ts): the inputs of an
 * appending concat are written straight into their slices of its output, the concat node is
 * dropped, the bytes are unchanged, and the writer keeps this only when main memory shrinks.
 */
import { describe, expect, it } from "vitest";
import { concatsInPlace } from "../../../backends/k210/kmodel/in-place-concat.js";
import { placeBuffers } from "../../../backends/k210/kmodel/placement.js";
import { V4_OPCODES } from "../../../backends/k210/kmodel/opcodes.js";
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

const buf = (id: number, size: number): Buffer => ({ id, pool: "main", datatype: "float32", size });
const node = (reads: Buffer[], writes: Buffer[], concat = false): PlannedNode => ({
  opcode: concat ? V4_OPCODES.concat : 0, from: concat ? "cat" : "n", reads, writes, body: () => undefined, ...(concat ? { appendsReads: true } : {}),
});

describe("concat in place (plan level)", () => {
  it("inputs become consecutive slices of the output, the concat node goes, the output lives from the first input on", () => {
    // z is small (a reduction of y): before, a + b + y are live at the concat.
    const [a, b, y, z] = [buf(0, 400), buf(1, 800), buf(2, 1200), buf(3, 100)];
    const plan: KmodelPlan = { nodes: [node([], [a]), node([], [b]), node([a, b], [y], true), node([y], [z])], buffers: [a, b, y, z], constants: new Uint8Array(0), inputs: [], outputs: [z] };
    const done = concatsInPlace(plan)!;
    expect(done.plan.nodes.map((n) => n.opcode)).toEqual([0, 0, 0]);
    expect([...done.views.entries()].map(([id, v]) => [id, v.parent.id, v.offset])).toEqual([[0, 2, 0], [1, 2, 400]]);
    const placed = placeBuffers(done.plan, "main", 8, done.views);
    expect(placed.offsets.get(a.id)).toBe(placed.offsets.get(y.id));
    expect(placed.offsets.get(b.id)).toBe(placed.offsets.get(y.id)! + 400);
    // In place: y (1200) and z (100, at the next 8-byte boundary) at the last node; before: a + b + y.
    expect(placed.size).toBe(1200 + 100 + 4);
    expect(placeBuffers(plan, "main", 8).size).toBe(400 + 800 + 1200);
  });

  it("not in place: an input read twice by the concat, a graph output, or written again after the concat", () => {
    const [a, b, y] = [buf(0, 400), buf(1, 400), buf(2, 800)];
    const twice: KmodelPlan = { nodes: [node([], [a]), node([a, a], [y], true)], buffers: [a, y], constants: new Uint8Array(0), inputs: [], outputs: [y] };
    expect(concatsInPlace(twice)).toBeUndefined();
    const output: KmodelPlan = { nodes: [node([], [a]), node([], [b]), node([a, b], [y], true)], buffers: [a, b, y], constants: new Uint8Array(0), inputs: [], outputs: [a, y] };
    expect(concatsInPlace(output)).toBeUndefined();
    const rewritten: KmodelPlan = { nodes: [node([], [a]), node([], [b]), node([a, b], [y], true), node([y], [b])], buffers: [a, b, y], constants: new Uint8Array(0), inputs: [], outputs: [y, b] };
    expect(concatsInPlace(rewritten)).toBeUndefined();
    const notAppending: KmodelPlan = { nodes: [node([], [a]), node([], [b]), { ...node([a, b], [y], true), appendsReads: false }], buffers: [a, b, y], constants: new Uint8Array(0), inputs: [], outputs: [y] };
    expect(concatsInPlace(notAppending)).toBeUndefined();
  });
});

/** x [1, 8, 16, 16] → 3×3 KPU layer (8 ch) and 1×1 KPU layer (4 ch) → Concat on channels → y [1, 12, 16, 16]. */
function twoHeads() {
  const graph = buildGraph({
    name: "two-heads",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y"],
    constants: new Map([["w1", randomTensor([8, 8, 3, 3], 71, -0.5, 0.5)], ["w2", randomTensor([4, 8, 1, 1], 72, -0.5, 0.5)]]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w2"], outputs: ["y2"], attrs: {} },
      { name: "cat", op: "Concat", inputs: ["y1", "y2"], outputs: ["y"], attrs: { axis: 1 } },
    ],
  });
  const x = randomTensor([1, 8, 16, 16], 73, 0, 1);
  return { program: lowerK210(graph, [[x], [randomTensor([1, 8, 16, 16], 74, 0, 1)]]).program, x };
}

describe("concat in place (compiled)", () => {
  it("two KPU heads concatenated: no concat node, the program's output, main_mem from the shapes", () => {
    const { program, x } = twoHeads();
    const model = parseV4(writeKmodel(program).bytes);
    expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "dequantize", "kpu_upload", "kpu_conv2d", "dequantize"]);
    // Peak at the first dequantize: the output y (12·16·16 float), x's uint8 copy (8·16·16, uploaded
    // again for the second layer) and the first layer's uint8 map (8·16·16). With the concat copying,
    // its two float inputs and y would be live together: (8 + 4 + 12)·16·16·4 = 24576.
    expect(model.mainMem).toBe(12 * 256 * 4 + 8 * 256 + 8 * 256);
    const got = new Float32Array(runKmodelV4(model, [new Uint8Array(x.bytes())])[0]!.slice().buffer);
    const want = runGraph(program, [x])[0]!.toNumbers();
    expect(got.length).toBe(want.length);
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
  });
});
