/**
 * `--input-type uint8` on the K210 (backends/k210/uint8-input.ts): the model takes uint8 planar
 * frames meaning x = (u/255 − mean)/std; the first KPU layer's input quantisation is that map, so
 * the frame's bytes are its map (no float copy), and the kmodel places the frame straight in KPU
 * RAM when only KPU layers read it. The lowered program, its C build and its kmodel agree bit for
 * bit on the KPU part, and follow the float model on the same pixels.
 */
import { describe, expect, it } from "vitest";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { uint8InputQuant } from "../../backends/k210/uint8-input.js";
import { expandKpuChains } from "../../backends/k210/kpu-chain.js";
import { uint8InputOf } from "../../backends/k210/options.js";
import { buildGraph, compile, runGraph, Tensor, type Graph } from "../../src/index.js";
import { parseKmodel, type KmodelV4 } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { buildAndRun } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { randomTensor } from "../support/graphs.js";

function parseV4(bytes: Uint8Array): KmodelV4 {
  const model = parseKmodel(bytes, "written.kmodel");
  if (model.version !== 4) throw new Error("expected a v4 kmodel");
  return model;
}

/** x → 3×3 KPU conv (relu) → 1×1 KPU conv; with `cpuReader`, also x → Relu as a second output. */
function graphOf(cpuReader: boolean): Graph {
  return buildGraph({
    name: "frame",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 3, 8, 8] }],
    outputs: cpuReader ? ["y2", "r"] : ["y2"],
    constants: new Map([
      ["w1", randomTensor([8, 3, 3, 3], 12, -0.5, 0.5)],
      ["b1", randomTensor([8], 13, -0.1, 0.1)],
      ["w2", randomTensor([4, 8, 1, 1], 14, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "c1", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "w1", "b1"], outputs: ["y1"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "c2", op: KPU_CONV2D_CANDIDATE, inputs: ["y1", "w2"], outputs: ["y2"], attrs: {} },
      ...(cpuReader ? [{ name: "relu", op: "Relu", inputs: ["x"], outputs: ["r"], attrs: {} }] : []),
    ],
  });
}

const pixels = (seed: number) => Tensor.fromNumbers("uint8", [1, 3, 8, 8], Array.from(randomTensor([1, 3, 8, 8], seed, 0, 255).toNumbers(), Math.round));

describe("--input-type uint8 (k210)", () => {
  for (const cpuReader of [false, true]) {
    it(cpuReader ? "a frame that a CPU op also reads: main memory, uploaded, dequantised for the CPU" : "a frame only KPU layers read: the kmodel input lives in KPU RAM", () => {
      const graph = graphOf(cpuReader);
      const spec = { mean: 0, std: 1 };
      const calibration = [1, 2, 3].map((s) => [Tensor.fromNumbers("float32", [1, 3, 8, 8], Array.from(pixels(s).toNumbers(), (u) => u / 255))]);
      const result = compile(graph, { target: "k210", calibration, targetOptions: { inputType: "uint8", mean: [spec.mean], std: [spec.std] }, optimize: false });
      const program = result.graph;
      expect(program.inputs[0]).toEqual({ name: "x", dtype: "uint8", shape: [1, 3, 8, 8] });
      // The two layers run as one chain in the C program (the frame copied in, one download).
      const chain = program.nodes.filter((n) => n.op === "KpuConv2DChain");
      expect(chain.length).toBe(1);
      expect(chain[0]!.attrs["input_u8"]).toBe(1);
      const kpu = expandKpuChains(program).nodes.filter((n) => n.op === "KpuConv2D");
      expect(kpu.length).toBe(2);
      expect(kpu[0]!.attrs["input_u8"]).toBe(1);
      const q = uint8InputQuant(spec);
      expect([kpu[0]!.attrs["x_scale"], kpu[0]!.attrs["x_zero_point"]]).toEqual([q.scale, q.zeroPoint]);
      const model = parseV4(result.binaryFiles.get("model.kmodel")!);
      expect(model.inputs[0]!.memoryType).toBe(cpuReader ? "main" : "kpu");
      expect(model.inputs[0]!.datatype).toBe("uint8");
      expect(model.nodes.filter((n) => n.name === "quantize").length).toBe(0);
      expect(model.nodes.filter((n) => n.name === "kpu_upload").length).toBe(cpuReader ? 1 : 0);
      const u = pixels(9);
      const want = runGraph(program, [u]);
      const got = runKmodelV4(model, [new Uint8Array(u.bytes())]).map((b) => new Float32Array(b.slice().buffer));
      const c = buildAndRun(result.files, program.outputs, [u], { makefileFlags: true });
      want.forEach((w, i) => {
        expect(Array.from(c[i]!.toNumbers())).toEqual(Array.from(w.toNumbers()));
        w.toNumbers().forEach((v, j) => expect(Math.abs(got[i]![j]! - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
      });
      // The same pixels through the float model (x = u/255): within the 8 % bound of k210-kmodel.test.ts.
      const reference = runGraph(graph, [Tensor.fromNumbers("float32", [1, 3, 8, 8], Array.from(u.toNumbers(), (v) => v / 255))])[0]!.toNumbers();
      const y = want[0]!.toNumbers();
      const range = Math.max(...reference) - Math.min(...reference);
      reference.forEach((v, j) => expect(Math.abs(y[j]! - v)).toBeLessThanOrEqual(0.08 * range));
      // Main RAM of the C program: the uint8 frame, not a float copy of it.
      expect(result.summary.targetReport!["mainRamBytes"]).toBeLessThan(result.summary.arenaBytes + 3 * 64 + 4 * 4 * 64 + (cpuReader ? 3 * 64 * 4 : 0) + 1);
    });
  }

  it("the option: --input-type uint8 belongs to the k210 plugin; --mean/--std give one value (or the same per channel)", () => {
    expect(uint8InputOf({ inputType: "float32" })).toBeUndefined();
    expect(uint8InputOf({ inputType: "uint8" })).toEqual({ mean: 0, std: 1 });
    expect(uint8InputOf({ inputType: "uint8", mean: [0.50196, 0.50196, 0.50196], std: [0.5] })).toEqual({ mean: 0.50196, std: 0.5 });
    expect(errorOf(() => compile(graphOf(false), { targetOptions: { inputType: "uint8" } })).message).toMatch(/option --input-type: an option of target k210; target host does not take it/);
    expect(errorOf(() => uint8InputOf({ inputType: "uint8", mean: [0.1, 0.2, 0.3] })).message).toMatch(/option --mean.*different per-channel values/);
  });

  it("a mean that is no whole pixel value is refused, naming the option", () => {
    expect(errorOf(() => uint8InputQuant({ mean: 0.5, std: 1 })).message).toMatch(/--input-type uint8.*whole zero point/);
    expect(uint8InputQuant({ mean: 128 / 255, std: 0.5 })).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 128 });
    expect(uint8InputQuant({ mean: 0.50196, std: 1 }).zeroPoint).toBe(128);
  });
});
