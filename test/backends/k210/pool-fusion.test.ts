/**
 * Pools in the KPU layer's pool stage in the C program and the kmodel alike
 * (backends/k210/kpu-pool-fusion.ts, K210-KPU.md §1.5 and §5.3 item 9): conv → pool → conv chains
 * with max and mean pools on even and odd maps. Where the KPU has the pool type, the target's
 * lowering fuses it (no pool node left) and chains the two layers in KPU RAM; the C program and
 * model.kmodel compute the same bytes; both stay within quantisation error of the float program.
 * The KPU's mean is floor(sum / n²) on bytes, so a fused mean pool may add up to (n² − 1)/n² of a
 * quantum against the float AveragePool: measured here against the same program without fusion.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { seededRandomInputs } from "../../../backends/k210/calibrate.js";
import { parseKmodel, type KmodelV4 } from "../../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../../backends/k210/kmodel/run-v4.js";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { layerGeometry } from "../../../backends/k210/kpu-layer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { kpuLayerOf } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { kmodelFiles } from "../../../backends/k210/target.js";
import { buildGraph, compile, importModelFile, runGraph, type Graph, type Tensor } from "../../../src/index.js";
import type { AttrValue, Node } from "../../../src/ir/graph.js";
import { kerasReady } from "../../../src/importers/keras/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { sharedFor } from "../../support/shared-skip.js";
import { OPS } from "../../support/toolchain.js";
import { k210Files, lowerK210, worstAndRange } from "../k210-support.js";

type Attrs = Record<string, AttrValue>;

/** One branch: its pool, and the pool type the KPU layer should take (undefined: the pool stays on the CPU). */
interface Branch {
  readonly what: string;
  readonly op: "MaxPool" | "AveragePool";
  readonly attrs: Attrs;
  readonly poolType: number | undefined;
}

const s2 = { kernel_shape: [2, 2], strides: [2, 2] };
const s4 = { kernel_shape: [4, 4], strides: [4, 4] };
const s1 = { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1] };

const FUSED: readonly Branch[] = [
  { what: "max 2×2 s2", op: "MaxPool", attrs: s2, poolType: 1 },
  { what: "max 4×4 s4", op: "MaxPool", attrs: s4, poolType: 3 },
  { what: "max 2×2 s1 (0, 1)", op: "MaxPool", attrs: s1, poolType: 9 },
  { what: "mean 2×2 s2", op: "AveragePool", attrs: s2, poolType: 2 },
  { what: "mean 4×4 s4", op: "AveragePool", attrs: s4, poolType: 4 },
  { what: "mean 2×2 s1 (0, 1)", op: "AveragePool", attrs: s1, poolType: 8 },
];

/** On an odd map: a ceil_mode row and leading padding, which no pool type has. */
const KEPT: readonly Branch[] = [
  { what: "max 2×2 s2 ceil_mode on an odd map", op: "MaxPool", attrs: { ...s2, ceil_mode: 1 }, poolType: undefined },
  { what: "mean 2×2 s2 with leading padding", op: "AveragePool", attrs: { ...s2, pads: [1, 1, 1, 1] }, poolType: undefined },
];

const C = 8;

/** x [1, C, H, W] → per branch: 3×3 conv (Relu) → pool → 3×3 conv → output z<i>. */
function branches(h: number, w: number, list: readonly Branch[]): Graph {
  const nodes: Node[] = [];
  const constants = new Map<string, Tensor>();
  list.forEach((b, i) => {
    constants.set(`w${i}`, randomTensor([C, C, 3, 3], 100 + i, -0.5, 0.5));
    constants.set(`b${i}`, randomTensor([C], 200 + i, -0.1, 0.1));
    constants.set(`v${i}`, randomTensor([C, C, 3, 3], 300 + i, -0.5, 0.5));
    nodes.push(
      { name: `conv${i}`, op: KPU_CONV2D_CANDIDATE, inputs: ["x", `w${i}`, `b${i}`], outputs: [`y${i}`], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: `pool${i}`, op: b.op, inputs: [`y${i}`], outputs: [`p${i}`], attrs: b.attrs },
      { name: `tail${i}`, op: KPU_CONV2D_CANDIDATE, inputs: [`p${i}`, `v${i}`], outputs: [`z${i}`], attrs: { pads: [1, 1, 1, 1] } },
    );
  });
  return buildGraph({ name: "pools", opset: 17, inputs: [{ name: "x", dtype: "float32", dims: [1, C, h, w] }], outputs: list.map((_, i) => `z${i}`), constants, nodes });
}

const parseV4 = (bytes: Uint8Array): KmodelV4 => {
  const m = parseKmodel(bytes, "model.kmodel");
  if (m.version !== 4) throw new Error("v4 expected");
  return m;
};

const runKmodel = (model: KmodelV4, x: readonly Tensor[]): Float32Array[] =>
  runKmodelV4(model, x.map((t) => new Uint8Array(t.bytes()))).map((o) => new Float32Array(o.slice().buffer));

const hex = (t: Tensor) => Buffer.from(t.bytes()).toString("hex");

/** Worst error as a share of the float output's range. */
const share = (got: ArrayLike<number>, float: ArrayLike<number>) => {
  const { worst, range } = worstAndRange(got, float);
  expect(range).toBeGreaterThan(0);
  return worst / range;
};

async function expectFused(h: number, w: number, list: readonly Branch[]): Promise<void> {
  const graph = branches(h, w, list);
  const calibration = seededRandomInputs(graph, 2, 5);
  const x = seededRandomInputs(graph, 1, 77)[0]!;
  const program = lowerK210(graph, calibration).program;

  // Each fusable pool is gone and its branch is one chain of two KPU layers; a kept pool stays a CPU op.
  const chains = program.nodes.filter((n) => n.op === KPU_CONV2D_CHAIN);
  const layers = expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D");
  list.forEach((b, i) => {
    const conv = layers.find((n) => n.name === `conv${i}`)!;
    expect(layerGeometry(kpuLayerOf(conv).args).poolType, b.what).toBe(b.poolType ?? 0);
    expect(program.nodes.some((n) => n.name === `pool${i}`), b.what).toBe(b.poolType === undefined);
    expect(chains.some((c) => c.name === `conv${i}..tail${i}`), b.what).toBe(b.poolType !== undefined);
  });

  // The C program is the lowered program bit for bit; the kmodel has the same KPU layers (no
  // reduce_window2d for a fused pool) and dequantises by 1/scale, within float32 rounding.
  const kmodel = parseV4(kmodelFiles(program).get("model.kmodel")!);
  const kmodelPools = kmodel.nodes.filter((n) => n.body.kpu !== undefined).map((n) => layerGeometry(n.body.kpu!.layer.args).poolType);
  expect(kmodelPools).toEqual(list.flatMap((b) => [b.poolType ?? 0, 0]));
  expect(kmodel.nodes.filter((n) => n.name === "reduce_window2d").length).toBe(list.filter((b) => b.poolType === undefined).length);
  const lowered = runGraph(program, x);
  const fromC = await buildAndRunAsync(k210Files(program), program.outputs, x, { cflags: SANITIZE_CFLAGS });
  const fromKmodel = runKmodel(kmodel, x);
  const float = runGraph(graph, x);
  const unfused = runGraph(lowerForK210(graph, calibration, OPS).program, x);
  list.forEach((b, i) => {
    expect(hex(fromC[i]!), b.what).toBe(hex(lowered[i]!));
    const kmodelVsC = worstAndRange(fromKmodel[i]!, fromC[i]!.toNumbers());
    expect(kmodelVsC.worst, b.what).toBeLessThanOrEqual(1e-5 * kmodelVsC.range);
    // Within the k210 tests' quantisation bound of the float program (8 % of the range), and a max
    // pool exactly as without fusion; a mean pool no more than 1 % of the range further off.
    const f = float[i]!.toNumbers();
    const fused = share(fromC[i]!.toNumbers(), f);
    const apart = share(unfused[i]!.toNumbers(), f);
    expect(fused, b.what).toBeLessThanOrEqual(0.08);
    expect(share(fromKmodel[i]!, f), b.what).toBeLessThanOrEqual(0.08);
    if (b.op === "MaxPool") expect(hex(fromC[i]!), b.what).toBe(hex(unfused[i]!));
    else expect(fused - apart, b.what).toBeLessThanOrEqual(0.01);
  });
}

describe("k210: pools in the KPU layer's pool stage (C program and kmodel)", () => {
  it("even map 16×16: max and mean 2×2 s2, 4×4 s4, 2×2 s1 fused and chained", async () => {
    await expectFused(16, 16, FUSED);
  });

  it("odd map 19×17: the same pools fused (output floor(in / s)); ceil_mode and leading padding stay on the CPU", async () => {
    await expectFused(19, 17, [...FUSED, ...KEPT]);
  });

  it("a 1×1 layer after a subsampled stride-2 layer takes its pool, not the subsampling (C and kmodel agree)", async () => {
    const graph = buildGraph({
      name: "strided_pool",
      opset: 17,
      inputs: [{ name: "x", dtype: "float32", dims: [1, C, 16, 16] }],
      outputs: ["p"],
      constants: new Map([["w1", randomTensor([C, 1, 3, 3], 51, -0.5, 0.5)], ["w2", randomTensor([C, C, 1, 1], 52, -0.5, 0.5)]]),
      nodes: [
        { name: "dw", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], strides: [2, 2], group: C, activation: "Relu" } },
        { name: "pw", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: {} },
        { name: "pool", op: "MaxPool", inputs: ["y2"], outputs: ["p"], attrs: s2 },
      ],
    });
    const x = seededRandomInputs(graph, 1, 77)[0]!;
    const program = lowerK210(graph, seededRandomInputs(graph, 2, 5)).program;
    expect(program.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CHAIN]);
    const kmodel = parseV4(kmodelFiles(program).get("model.kmodel")!);
    // The 1×1 layer keeps pool type 1 (8×8 → 4×4); the depthwise map is subsampled by a strided_slice.
    expect(kmodel.nodes.filter((n) => n.body.kpu !== undefined).map((n) => layerGeometry(n.body.kpu!.layer.args).poolType)).toEqual([0, 1]);
    expect(kmodel.nodes.map((n) => n.name)).toContain("strided_slice");
    const fromC = (await buildAndRunAsync(k210Files(program), program.outputs, x, { cflags: SANITIZE_CFLAGS }))[0]!;
    expect(hex(fromC)).toBe(hex(runGraph(program, x)[0]!));
    const kmodelVsC = worstAndRange(runKmodel(kmodel, x)[0]!, fromC.toNumbers());
    expect(kmodelVsC.worst).toBeLessThanOrEqual(1e-5 * kmodelVsC.range);
    // A max pool in the pool stage: the same bytes as the lowering with the float pool.
    expect(hex(fromC)).toBe(hex(runGraph(lowerForK210(graph, seededRandomInputs(graph, 2, 5), OPS).program, x)[0]!));
  });

  it("a pool with a second reader, a depthwise layer and a graph-output conv keep their float pool", () => {
    const make = (group: number, extraOutput: boolean): Graph =>
      buildGraph({
        name: "kept",
        opset: 17,
        inputs: [{ name: "x", dtype: "float32", dims: [1, C, 16, 16] }],
        outputs: ["p", ...(extraOutput ? ["y"] : [])],
        constants: new Map([["w", randomTensor([C, C / group, 3, 3], 41, -0.5, 0.5)]]),
        nodes: [
          { name: "conv", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1], group } },
          { name: "pool", op: "MaxPool", inputs: ["y"], outputs: ["p"], attrs: s2 },
        ],
      });
    for (const graph of [make(C, false), make(1, true)]) {
      const program = lowerK210(graph, seededRandomInputs(graph, 2, 5)).program;
      expect(program.nodes.map((n) => n.op)).toEqual(["KpuConv2D", "MaxPool"]);
      expect(layerGeometry(kpuLayerOf(program.nodes[0]!).args).poolType).toBe(0);
    }
  });
});

describe("kws-cnn-k210 (../shared/models/tf/kws-cnn-k210/mod.h5): its four 2×2 MaxPools in the pool stage", () => {
  const useShared = sharedFor("kws-cnn-k210 pool fusion in the C program");
  beforeAll(() => kerasReady());

  it("the C program runs its four KPU layers as one chain, no float pool, and equals the kmodel", async (ctx) => {
    const shared = useShared(ctx);
    const graph = importModelFile(join(shared, "models/tf/kws-cnn-k210/mod.h5"), { inputShapes: new Map([["conv2d_1_input", [1, 128, 64, 1]]]) });
    const result = compile(graph, { target: "k210", calibration: seededRandomInputs(graph, 2, 5) });
    const program = result.graph;
    expect(program.nodes.filter((n) => n.op === KPU_CONV2D_CHAIN).length).toBe(1);
    expect(program.nodes.some((n) => n.op === "MaxPool" || n.op === "KpuConv2D")).toBe(false);
    expect(expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D").map((n) => layerGeometry(kpuLayerOf(n).args).poolType)).toEqual([1, 1, 1, 1]);
    const report = result.summary.targetReport!;
    expect(report["kpuLayers"]).toBe(4);
    expect(report["kpuRamBytes"]).toBeLessThanOrEqual(report["kmodelKpuRamBytes"]!);
    const x = seededRandomInputs(graph, 1, 77)[0]!;
    const fromC = (await buildAndRunAsync(result.files, program.outputs, x, { makefileFlags: true }))[0]!.toNumbers();
    const fromKmodel = runKmodel(parseV4(result.binaryFiles.get("model.kmodel")!), x)[0]!;
    // KPU layers bit-exact; the dequantisation, Gemm and Softmax within float32 rounding.
    const { worst } = worstAndRange(fromKmodel, fromC);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});
