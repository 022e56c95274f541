/**
 * Concats of KPU maps as uint8 in the C program (backends/k210/kpu-requant-concat.ts): ulffd_landmark's
 * head pattern, two KPU layers with different output quantisations → channel Concat (NHWC) → Relu →
 * two KPU layers, built small. The producers hand their maps over as bytes, one KpuRequantConcat
 * re-quantises them into the readers' quantisation through tables, and no float map is left between
 * the KPU layers: the arena is what the shapes say, the outputs are the bytes of the float form (TS,
 * and C under ASan/UBSan against the C of the float form), and the kmodel is unchanged.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { KPU_CONV2D_CHAIN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT } from "../../../backends/k210/ops/kpu-requant-concat.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, type Graph, type Tensor } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { k210Files, lowerK210 } from "../k210-support.js";

/**
 * x NHWC [1,16,16,8] → 3×3 conv (Relu) → m [1,16,16,16]; m → 1×1 conv → b [1,16,16,8] and m → 3×3
 * conv → c [1,16,16,4] (no activation: negative values, different ranges); concat(b, c) on the
 * channel axis → Relu → r [1,16,16,12]; r → 3×3 conv → y1 [1,16,16,4] and r → 1×1 conv → y2
 * [1,16,16,2]. With `cpuReader` a Sigmoid also reads r (a third output).
 */
function headGraph(cpuReader = false): Graph {
  const conv = (name: string, x: string, w: string, y: string, pads: number[], activation?: string) => ({
    name, op: KPU_CONV2D_CANDIDATE, inputs: [x, w], outputs: [y], attrs: { pads, layout: "NHWC", ...(activation ? { activation } : {}) },
  });
  return buildGraph({
    name: "heads",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16, 16, 8] }],
    outputs: cpuReader ? ["y1", "y2", "s"] : ["y1", "y2"],
    constants: new Map([
      ["wa", randomTensor([16, 3, 3, 8], 81, -0.5, 0.5)],
      ["wb", randomTensor([8, 1, 1, 16], 82, -0.5, 0.5)],
      ["wc", randomTensor([4, 3, 3, 16], 83, -0.3, 0.3)],
      ["wd", randomTensor([4, 3, 3, 12], 84, -0.5, 0.5)],
      ["we", randomTensor([2, 1, 1, 12], 85, -0.5, 0.5)],
    ]),
    nodes: [
      conv("a", "x", "wa", "m", [1, 1, 1, 1], "Relu"),
      conv("b", "m", "wb", "b_out", [0, 0, 0, 0]),
      conv("c", "m", "wc", "c_out", [1, 1, 1, 1]),
      { name: "cat", op: "Concat", inputs: ["b_out", "c_out"], outputs: ["cat_out"], attrs: { axis: 3 } },
      { name: "relu", op: "Relu", inputs: ["cat_out"], outputs: ["r"], attrs: {} },
      conv("d", "r", "wd", "y1", [1, 1, 1, 1]),
      conv("e", "r", "we", "y2", [0, 0, 0, 0]),
      ...(cpuReader ? [{ name: "sig", op: "Sigmoid", inputs: ["r"], outputs: ["s"], attrs: {} }] : []),
    ],
  });
}

const calibration = [91, 92, 93].map((s) => [randomTensor([1, 16, 16, 8], s, 0, 1)]);
const input = [randomTensor([1, 16, 16, 8], 94, -0.1, 1.1)];
const bytesOf = (ts: readonly Tensor[]) => ts.map((t) => Buffer.from(t.bytes()).toString("hex"));
const arenaOf = (program: Graph) => emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size;

describe("k210: concats of KPU maps as uint8 (C program)", () => {
  it("concat → Relu read by KPU layers only: uint8 maps from the shapes, outputs bit-exact, kmodel unchanged", async () => {
    const program = lowerK210(headGraph(), calibration).program;
    expect(program.nodes.map((n) => [n.op, n.name])).toEqual([
      [KPU_CONV2D_CHAIN, "a"], [KPU_CONV2D_CHAIN, "b"], [KPU_CONV2D_CHAIN, "c"], [KPU_REQUANT_CONCAT, "cat"], [KPU_CONV2D, "d"], [KPU_CONV2D, "e"],
    ]);
    // The two producers' quantisations differ: the tables are not one copy.
    const [b, c] = [program.nodes[1]!, program.nodes[2]!].map((n) => JSON.parse(String(n.attrs["chain"]))[0].y_scale as number);
    expect(b).not.toBe(c);
    expect(program.nodes.slice(1, 3).map((n) => n.attrs["output_u8"])).toEqual([1, 1]);
    expect(program.nodes.slice(4).map((n) => n.attrs["input_u8"])).toEqual([1, 1]);
    expect(program.values.get("r")).toEqual({ dtype: "uint8", shape: [1, 12, 16, 16] });
    expect(program.values.has("cat_out")).toBe(false);

    // Arena: m (16·16·16 B) until c; b's 8·16·16 B and c's 4·16·16 B until the concat; r's 12·16·16 B
    // from the concat on. Peak at c: m + b + c. The float form holds b, c, the concat and the Relu
    // as floats (and m as uint8, the hand-over of kpu-u8-handover.ts).
    const m = 16 * 16 * 16, bBytes = 8 * 16 * 16, cBytes = 4 * 16 * 16;
    expect(arenaOf(program)).toBe(m + bBytes + cBytes);
    const plain = expandKpuChains(program);
    expect(plain.nodes.map((n) => n.op)).toEqual([KPU_CONV2D, KPU_CONV2D, KPU_CONV2D, "Concat", "Relu", KPU_CONV2D, KPU_CONV2D]);
    expect(plain.values.get("r")).toEqual({ dtype: "float32", shape: [1, 16, 16, 12] });
    expect(plain.values.get("cat_out")).toEqual({ dtype: "float32", shape: [1, 16, 16, 12] });
    expect(arenaOf(plain)).toBeGreaterThanOrEqual(4 * (bBytes + cBytes) + 4 * (bBytes + cBytes));
    console.log(`KPU concat: arena ${arenaOf(program)} B with the uint8 concat, ${arenaOf(plain)} B layer by layer with float maps`);

    const want = runGraph(plain, input);
    expect(bytesOf(runGraph(program, input))).toEqual(bytesOf(want));
    const files = k210Files(program);
    expect(files.get("model.c")).toMatch(/kpu_requant_lut\w*\[x\[i\]\]/);
    const [fromC, layersC] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(k210Files(plain), plain.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(bytesOf(fromC)).toEqual(bytesOf(want));
    expect(bytesOf(layersC)).toEqual(bytesOf(want));

    const lowered = lowerForK210(headGraph(), calibration, OPS).program;
    expect(Buffer.from(writeKmodel(plain).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });

  it("a concat a CPU op also reads stays float", () => {
    const program = lowerK210(headGraph(true), calibration).program;
    expect(program.nodes.map((n) => n.op)).toContain("Concat");
    expect(program.nodes.map((n) => n.op)).not.toContain(KPU_REQUANT_CONCAT);
    expect(program.values.get("r")?.dtype).toBe("float32");
  });
});
