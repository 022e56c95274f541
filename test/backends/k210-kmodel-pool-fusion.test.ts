/**
 * A MaxPool reading a KPU layer runs in the layer's pool stage in the kmodel (kmodel/pool-fusion.ts):
 * 2×2 s2 → pool type 1, 4×4 s4 → 3, 2×2 s1 with padding (0, 1) → 9; the pooled map stays in KPU RAM
 * for the next layer and the kmodel computes what the program computes. Pools the KPU cannot take,
 * or that other readers rule out, stay reduce_window2d. Mean pools (types 2, 4, 8), fused in the C
 * program too, and the target's lowering that fuses before the kmodel writer sees the program:
 * test/backends/k210/pool-fusion.test.ts.
 */
import { describe, expect, it } from "vitest";
import { writeKmodel } from "../../backends/k210/kmodel/writer.js";
import { layerGeometry } from "../../backends/k210/kpu-layer.js";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { buildGraph, compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import type { AttrValue } from "../../src/ir/graph.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";
import { buildAndRunAsync } from "../support/c-run.js";

type Attrs = Record<string, AttrValue>;
const X = [1, 8, 16, 16];

/** conv (KPU) → pool → 1×1 conv (KPU) → output, or conv → pool → output when `tail` is false. */
function convPool(poolOp: string, poolAttrs: Attrs, opts: { group?: number; convOutputToo?: boolean; tail?: boolean; op?: string } = {}): Graph {
  const group = opts.group ?? 1;
  const conv = opts.op ?? KPU_CONV2D_CANDIDATE;
  const tail = opts.tail ?? true;
  return buildGraph({
    name: "conv_pool",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: X }],
    outputs: [tail ? "z" : "p", ...(opts.convOutputToo ? ["y"] : [])],
    constants: new Map([
      ["w", randomTensor([8, 8 / group, 3, 3], 31, -0.5, 0.5)],
      ["b", randomTensor([8], 32, -0.1, 0.1)],
      ["w2", randomTensor([12, 8, 1, 1], 33, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "c", op: conv, inputs: ["x", "w", "b"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1], group, activation: "Relu" } },
      { name: "pool", op: poolOp, inputs: ["y"], outputs: ["p"], attrs: poolAttrs },
      ...(tail ? [{ name: "c2", op: conv, inputs: ["p", "w2"], outputs: ["z"], attrs: {} }] : []),
    ],
  });
}

const calibration = [[randomTensor(X, 34, 0, 1)], [randomTensor(X, 35, 0, 1)]];

const parseV4 = (bytes: Uint8Array): KmodelV4 => {
  const m = parseKmodel(bytes, "k");
  if (m.version !== 4) throw new Error("v4 expected");
  return m;
};

function kmodelOf(graph: Graph): { model: KmodelV4; program: Graph } {
  const program = lowerForK210(graph, calibration, OPS).program;
  return { model: parseV4(writeKmodel(program).bytes), program };
}

function runKmodel(model: KmodelV4, x: Tensor): Float32Array {
  return new Float32Array(runKmodelV4(model, [new Uint8Array(x.bytes())])[0]!.slice().buffer);
}

/** Every output within float32 rounding of the reference (one wrong byte is off by a whole quantum). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]!)));
}

describe("MaxPool in the KPU layer's pool stage", () => {
  const fused: Array<[string, Attrs, number, number]> = [
    ["2×2 stride 2 → pool type 1", { kernel_shape: [2, 2], strides: [2, 2] }, 1, 8],
    ["4×4 stride 4 → pool type 3", { kernel_shape: [4, 4], strides: [4, 4] }, 3, 4],
    ["2×2 stride 1, padding (0, 1) → pool type 9", { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1] }, 9, 16],
    ["2×2 stride 2 with end padding no window reaches → pool type 1", { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }, 1, 8],
    ["2×2 stride 2, ceil_mode on an even map → pool type 1", { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, 1, 8],
  ];
  for (const [what, attrs, poolType, side] of fused) {
    it(what, () => {
      const { model, program } = kmodelOf(convPool("MaxPool", attrs));
      const names = model.nodes.map((n) => n.name);
      expect(names).not.toContain("reduce_window2d");
      const layers = model.nodes.filter((n) => n.body.kpu !== undefined).map((n) => layerGeometry(n.body.kpu!.layer.args));
      expect(layers.map((g) => [g.poolType, g.inWidth, g.outWidth, g.outHeight])).toEqual([[poolType, 16, side, side], [0, side, side, side]]);
      const x = randomTensor(X, 36, 0, 1);
      expectSame(runKmodel(model, x), runGraph(program, [x])[0]!.toNumbers());
    });
  }

  const kept: Array<[string, Graph]> = [
    ["a depthwise layer (nncase never pools in one)", convPool("MaxPool", { kernel_shape: [2, 2], strides: [2, 2] }, { group: 8 })],
    ["a conv output that is also a graph output", convPool("MaxPool", { kernel_shape: [2, 2], strides: [2, 2] }, { convOutputToo: true })],
    ["3×3 stride 2 (no pool type)", convPool("MaxPool", { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] })],
    ["2×2 stride 2 with leading padding", convPool("MaxPool", { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] })],
    ["2×2 stride 1 without end padding (a smaller map, no pool type)", convPool("MaxPool", { kernel_shape: [2, 2], strides: [1, 1] })],
  ];
  for (const [what, graph] of kept) {
    it(`stays reduce_window2d: ${what}`, () => {
      const { model, program } = kmodelOf(graph);
      expect(model.nodes.map((n) => n.name)).toContain("reduce_window2d");
      expect(model.nodes.filter((n) => n.body.kpu !== undefined).every((n) => layerGeometry(n.body.kpu!.layer.args).poolType === 0)).toBe(true);
      const x = randomTensor(X, 37, 0, 1);
      expectSame(runKmodel(model, x), runGraph(program, [x])[0]!.toNumbers());
    });
  }

  it("compiled end to end: the kmodel runs like the C program, one kmodel CPU node fewer per fused pool", async () => {
    const graph = convPool("MaxPool", { kernel_shape: [2, 2], strides: [2, 2] }, { op: "Conv", tail: false });
    const result = compile(graph, { target: "k210", calibration });
    const report = result.summary.targetReport!;
    expect(report["kpuLayers"]).toBe(1);
    const model = parseV4(result.binaryFiles.get("model.kmodel")!);
    // quantize → upload → conv with pool type 1 and its main-memory output → dequantize.
    expect(model.nodes.map((n) => n.name)).toEqual(["quantize", "kpu_upload", "kpu_conv2d", "dequantize"]);
    // No 16×16 map leaves KPU RAM: the largest live pair is the float input and its uint8 copy.
    expect(report["kmodelMainRamBytes"]).toBeLessThanOrEqual(16 * 16 * 8 * (4 + 1));
    const x = randomTensor(X, 38, 0, 1);
    const c = (await buildAndRunAsync(result.files, result.graph.outputs, [x], { makefileFlags: true }))[0]!.toNumbers();
    expectSame(runKmodel(model, x), c);
  });
});
