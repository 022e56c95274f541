/**
 * Fully connected layers on the KPU (backends/k210/fc-legality.ts, fc-expand.ts): a one-row Gemm or
 * MatMul with constant weights and ≤ 1024 features is offered as a KpuFullyConnectedCandidate, the
 * k210-kpu cost model decides whether it pays, and a chosen one becomes a 1×1 KPU conv on the input
 * padded to 4×4 whose pixel (0, 0) is taken back. The C program (KPU simulator) and the kmodel v4
 * (run-v4.ts) compute the same outputs, within the k210 tests' quantisation bound of the float model.
 */
import { describe, expect, it } from "vitest";
import { kpuFcVerdict } from "../../backends/k210/fc-legality.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { KPU_FC_CANDIDATE } from "../../backends/k210/ops/kpu-fc-candidate.js";
import { k210Kpu, kpuFcCycles } from "../../backends/k210/cost-model.js";
import { estimateKmodelLatency } from "../../backends/k210/latency.js";
import { collapse } from "../../costmodels/index.js";
import { buildGraph, compile, runGraph, type Graph, type Tensor } from "../../src/index.js";
import { buildAndRunAsync } from "../support/c-run.js";
import { randomTensor } from "../support/graphs.js";
import { OPS } from "../support/toolchain.js";
import { extractForK210 } from "./k210-support.js";

interface Layer {
  readonly name: string;
  readonly out: number;
  readonly relu?: boolean;
  /** A bias-less MatMul instead of a Gemm with bias. */
  readonly matmul?: boolean;
}

/** x [1, inputs] through the layers in order (Gemm with bias, or MatMul), seeded weights ±1/√K. */
function mlp(inputs: number, layers: readonly Layer[]): Graph {
  const constants = new Map<string, Tensor>();
  const nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, string> }[] = [];
  let x = "x";
  let k = inputs;
  layers.forEach((l, i) => {
    const s = 1 / Math.sqrt(k);
    constants.set(`${l.name}_w`, randomTensor([k, l.out], 100 + i, -s, s));
    if (!l.matmul) constants.set(`${l.name}_b`, randomTensor([l.out], 200 + i, -0.1, 0.1));
    const y = l.relu ? `${l.name}_pre` : `${l.name}_y`;
    nodes.push({ name: l.name, op: l.matmul ? "MatMul" : "Gemm", inputs: [x, `${l.name}_w`, ...(l.matmul ? [] : [`${l.name}_b`])], outputs: [y], attrs: {} });
    if (l.relu) nodes.push({ name: `${l.name}_relu`, op: "Relu", inputs: [y], outputs: [`${l.name}_y`], attrs: {} });
    x = `${l.name}_y`;
    k = l.out;
  });
  return buildGraph({ name: "mlp", opset: 17, inputs: [{ name: "x", dtype: "float32", dims: [1, inputs] }], outputs: [x], constants, nodes });
}

const parseV4 = (bytes: Uint8Array): KmodelV4 => {
  const m = parseKmodel(bytes, "model.kmodel");
  if (m.version !== 4) throw new Error("v4 expected");
  return m;
};

function worstOf(got: ArrayLike<number>, want: ArrayLike<number>): { worst: number; range: number } {
  expect(got.length).toBe(want.length);
  let worst = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    lo = Math.min(lo, want[i]!);
    hi = Math.max(hi, want[i]!);
  }
  return { worst, range: hi - lo };
}

/**
 * Compiles for the k210 with calibration, runs the C program and the kmodel on a held-out input:
 * the two agree (bit-identical KPU layers; float CPU kernels within float rounding, 1 % of the range)
 * and both stay within 8 % of the float model's output range (k210-kmodel.test.ts's bound).
 */
async function expectCAndKmodelAgree(graph: Graph, inputs: number): Promise<{ kmodel: KmodelV4; program: Graph }> {
  const calibration = [1, 2, 3].map((seed) => [randomTensor([1, inputs], seed, 0, 1)]);
  const result = compile(graph, { target: "k210", calibration });
  const x = randomTensor([1, inputs], 9, 0, 1);
  const [fromC] = await buildAndRunAsync(result.files, result.graph.outputs, [x], { makefileFlags: true });
  const kmodel = parseV4(result.binaryFiles.get("model.kmodel")!);
  const fromKmodel = new Float32Array(runKmodelV4(kmodel, [new Uint8Array(x.bytes())])[0]!.slice().buffer);
  const reference = runGraph(graph, [x])[0]!.toNumbers();
  const c = fromC!.toNumbers();
  const same = worstOf(fromKmodel, c);
  console.log(`k210 FC: |kmodel − C| ≤ ${same.worst} of range ${same.range}; |C − float| ≤ ${worstOf(c, reference).worst}, |kmodel − float| ≤ ${worstOf(fromKmodel, reference).worst}`);
  expect(same.worst).toBeLessThanOrEqual(0.01 * same.range);
  const vsFloat = worstOf(c, reference);
  expect(vsFloat.worst).toBeLessThanOrEqual(0.08 * vsFloat.range);
  expect(worstOf(fromKmodel, reference).worst).toBeLessThanOrEqual(0.08 * vsFloat.range);
  return { kmodel, program: result.graph };
}

const ops = (g: Graph) => g.nodes.map((n) => n.op);
const kpuLayers = (m: KmodelV4) => m.nodes.filter((n) => n.name === "kpu_conv2d").length;

describe("k210: fully connected layers on the KPU", () => {
  it("legality: ≤ 1024 features in and out, one row, alpha = beta = 1, a KPU activation; over the limit stays on the CPU", () => {
    const t = (shape: number[]) => ({ dtype: "float32" as const, shape });
    const gemm = { op: "Gemm", attrs: {} };
    expect(kpuFcVerdict(gemm, t([1, 1024]), t([1024, 1024]), t([1, 1024])).ok).toBe(true);
    const over = kpuFcVerdict(gemm, t([1, 1024]), t([1024, 1100]), t([1, 1100]));
    expect(over).toEqual({ ok: false, reason: expect.stringMatching(/1024→1100 channels: the KPU takes at most 1024/) });
    expect(kpuFcVerdict(gemm, t([2, 64]), t([64, 8]), t([2, 8]))).toEqual({ ok: false, reason: expect.stringMatching(/2 rows/) });
    expect(kpuFcVerdict({ op: "Gemm", attrs: { alpha: 0.5 } }, t([1, 64]), t([64, 8]), t([1, 8])).ok).toBe(false);
    expect(kpuFcVerdict({ op: "Gemm", attrs: { activation: "Sigmoid" } }, t([1, 64]), t([64, 8]), t([1, 8])).ok).toBe(false);
  });

  it("the cost model decides: 64 → 128 relu pays on the KPU, 128 → 10 stays a CPU Gemm; C and kmodel agree", async () => {
    const graph = mlp(64, [{ name: "fc1", out: 128, relu: true }, { name: "fc2", out: 10 }]);
    const extracted = extractForK210(graph);
    expect(ops(extracted)).toEqual([KPU_FC_CANDIDATE, "Gemm"]);
    // The same decision from the prices: the KPU layer on the 4×4 map against the CPU GEMV.
    const price = (node: Graph["nodes"][number], op: string) =>
      collapse(k210Kpu, k210Kpu.nodeCost({ ...node, op }, node.inputs.map((n) => extracted.values.get(n)), node.outputs.map((n) => extracted.values.get(n)!), OPS));
    const [fc1, fc2] = extracted.nodes as [Graph["nodes"][number], Graph["nodes"][number]];
    expect(price(fc1, KPU_FC_CANDIDATE)).toBeLessThan(price(fc1, "Gemm"));
    expect(price(fc2, KPU_FC_CANDIDATE)).toBeGreaterThan(price(fc2, "Gemm"));
    const { kmodel, program } = await expectCAndKmodelAgree(graph, 64);
    expect(ops(program)).toEqual(["Reshape", "Pad", "KpuConv2D", "Slice", "Reshape", "Gemm"]);
    // nncase v0.2's form: pad → quantize → upload → 1×1 kpu_conv2d → dequantize → crop → matmul.
    expect(kmodel.nodes.map((n) => n.name)).toEqual(["memory_copy", "pad", "quantize", "kpu_upload", "kpu_conv2d", "dequantize", "strided_slice", "memory_copy", "matmul"]);
    // Extraction priced the FC as the kmodel's latency estimate prices those eight nodes.
    const verdict = kpuFcVerdict({ ...fc1, op: "Gemm" }, extracted.values.get(fc1.inputs[0]!), extracted.values.get(fc1.inputs[1]!), extracted.values.get(fc1.outputs[0]!));
    if (!verdict.ok) throw new Error(verdict.reason);
    const estimated = estimateKmodelLatency(kmodel).nodes.filter((n) => n.index >= 0 && n.index < 8).reduce((sum, n) => sum + n.cycles, 0);
    expect(estimated).toBeCloseTo(kpuFcCycles(verdict.fc), 6);
  });

  it("1100 → 64 (over the limit) stays a CPU Gemm; a MatMul 64 → 1024 and a Gemm 1024 → 64 go to the KPU; C and kmodel agree", async () => {
    const graph = mlp(1100, [{ name: "fc1", out: 64, relu: true }, { name: "fc2", out: 1024, matmul: true }, { name: "fc3", out: 64 }]);
    const extracted = extractForK210(graph);
    expect(ops(extracted)).toEqual(["Gemm", KPU_FC_CANDIDATE, KPU_FC_CANDIDATE]);
    const fc1 = extracted.nodes[0]!;
    const type = (n: string) => extracted.values.get(n);
    expect(kpuFcVerdict(fc1, type(fc1.inputs[0]!), type(fc1.inputs[1]!), type(fc1.outputs[0]!))).toEqual({ ok: false, reason: expect.stringMatching(/1100→64 channels/) });
    const { kmodel, program } = await expectCAndKmodelAgree(graph, 1100);
    expect(ops(program).filter((op) => op === "KpuConv2D").length).toBe(2);
    expect(kpuLayers(kmodel)).toBe(2);
    expect(kmodel.nodes.filter((n) => n.name === "matmul").length).toBe(1);
  });
});
