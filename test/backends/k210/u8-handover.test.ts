/**
 * uint8 hand-over of KPU maps in the C program (backends/k210/kpu-u8-handover.ts): a KPU map two
 * KPU layers read (a branching backbone map, which kpu-chain.ts cannot chain) is read out of KPU RAM
 * as its uint8 bytes and copied into each reader's input map, instead of a float buffer. Checked on a
 * constructed network with a concat head: the arena is what the shapes say, the outputs are the
 * bytes of the layers run one by one (TS simulator, C under ASan/UBSan with the host simulator and
 * with the device driver on the register-level KPU model), and the kmodel is unchanged.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { KPU_CONV2D_CHAIN, RESIDENT_TOKEN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, Tensor, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { deviceModelFiles, hexBytes, k210Files, lowerK210 } from "../k210-support.js";

/**
 * x [1,8,16,16] → 3×3 conv (Relu) → m [1,16,16,16]; m → 1×1 conv → b [1,8,16,16] and m → 3×3 conv →
 * c [1,4,16,16]; y = concat(b, c). With `cpuReader`, a Relu also reads m (a second output r).
 */
function branchingGraph(cpuReader = false): Graph {
  return buildGraph({
    name: "branching",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: cpuReader ? ["y", "r"] : ["y"],
    constants: new Map([
      ["wa", randomTensor([16, 8, 3, 3], 61, -0.5, 0.5)],
      ["ba", randomTensor([16], 62, -0.1, 0.1)],
      ["wb", randomTensor([8, 16, 1, 1], 63, -0.5, 0.5)],
      ["wc", randomTensor([4, 16, 3, 3], 64, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "a", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "wa", "ba"], outputs: ["m"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "b", op: KPU_CONV2D_CANDIDATE, inputs: ["m", "wb"], outputs: ["b_out"], attrs: {} },
      { name: "c", op: KPU_CONV2D_CANDIDATE, inputs: ["m", "wc"], outputs: ["c_out"], attrs: { pads: [1, 1, 1, 1] } },
      { name: "head", op: "Concat", inputs: ["b_out", "c_out"], outputs: ["y"], attrs: { axis: 1 } },
      ...(cpuReader ? [{ name: "relu", op: "Relu", inputs: ["m"], outputs: ["r"], attrs: {} }] : []),
    ],
  });
}

/**
 * x NHWC [1,16,16,8] → 3×3 conv (Relu) → 3×3 s2 MaxPool, pads 1 (NHWC; a window the KPU's pool stage
 * does not have, so kpu-pool-fusion.ts leaves it) → p → 3×3 conv → y [1,8,8,4].
 */
function pooledGraph(): Graph {
  return buildGraph({
    name: "pooled",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 16, 16, 8] }],
    outputs: ["y"],
    constants: new Map([
      ["wa", randomTensor([16, 3, 3, 8], 65, -0.5, 0.5)],
      ["wb", randomTensor([4, 3, 3, 16], 66, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "a", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "wa"], outputs: ["m"], attrs: { pads: [1, 1, 1, 1], activation: "Relu", layout: "NHWC" } },
      { name: "pool", op: "MaxPool", inputs: ["m"], outputs: ["p"], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], layout: "NHWC" } },
      { name: "b", op: KPU_CONV2D_CANDIDATE, inputs: ["p", "wb"], outputs: ["y"], attrs: { pads: [1, 1, 1, 1], layout: "NHWC" } },
    ],
  });
}

const calibration = [71, 72, 73].map((s) => [randomTensor([1, 8, 16, 16], s, 0, 1)]);
const input = [randomTensor([1, 8, 16, 16], 74, -0.1, 1.1)];
const nhwcCalibration = [76, 77].map((s) => [randomTensor([1, 16, 16, 8], s, 0, 1)]);
const arenaOf = (program: Graph) => emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size;

describe("k210: KPU maps handed over as uint8 (C program)", () => {
  it("a map two KPU layers read stays uint8 between them: arena from the shapes, outputs bit-exact, kmodel unchanged", async () => {
    const program = lowerK210(branchingGraph(), calibration).program;
    expect(program.nodes.map((n) => [n.op, n.name])).toEqual([[KPU_CONV2D_CHAIN, "a"], [KPU_CONV2D, "b"], [KPU_CONV2D, "c"], ["Concat", "head"]]);
    expect(program.nodes[0]!.attrs["output_u8"]).toBe(1);
    expect(program.nodes.slice(1, 3).map((n) => n.attrs["input_u8"])).toEqual([1, 1]);
    // Only KPU layers read m, so its uint8 bytes wait in KPU RAM (kpu-resident-maps.ts): the value
    // is an empty token.
    expect(program.nodes[0]!.attrs["output_kpu"]).toBe(program.nodes[1]!.attrs["input_kpu"]);
    expect(program.values.get("m")).toEqual(RESIDENT_TOKEN);

    // Arena: m's token (empty: no bytes) is live while b and c run; b and c write their float maps
    // straight into their slices of the graph output `head` (concatInPlace): nothing else. With the
    // concat as a copy, b's float output (8·16·16·4) waits until the concat and c's (4·16·16·4) from
    // c on. The float form holds m as 16·16·16·4 bytes too.
    const m = 16 * 16 * 16, b = 8 * 16 * 16 * 4, c = 4 * 16 * 16 * 4;
    const plain = expandKpuChains(program);
    expect(plain.values.get("m")).toEqual({ dtype: "float32", shape: [1, 16, 16, 16] });
    expect(arenaOf(program)).toBe(0);
    expect(emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS, concatInPlace: false }).plan.arena.size).toBe(b + c);
    expect(arenaOf(plain)).toBe(4 * m);
    console.log(`branching map: arena ${arenaOf(program)} B with the uint8 hand-over, ${arenaOf(plain)} B with a float map`);

    const want = runGraph(plain, input);
    expect(hexBytes(runGraph(program, input))).toEqual(hexBytes(want));
    const files = k210Files(program);
    expect(files.get("model.c")).toMatch(/eg_kpu_chain_f32_to_u8\(kpu_layer\w*_chain, 1u, /);
    expect(files.get("model.c")).toMatch(/eg_kpu_conv2d_u8\(/);
    const [host, device, layers] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(deviceModelFiles(files), program.outputs, input, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` }),
      buildAndRunAsync(k210Files(plain), plain.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(hexBytes(host)).toEqual(hexBytes(want));
    expect(hexBytes(device)).toEqual(hexBytes(want));
    expect(hexBytes(layers)).toEqual(hexBytes(want));

    // The kmodel is written from the float form: byte-identical to the one of the plain lowering.
    const lowered = lowerForK210(branchingGraph(), calibration, OPS).program;
    expect(Buffer.from(writeKmodel(plain).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });

  it("with a uint8 frame input the first layer's map goes byte to byte (eg_kpu_chain_u8_to_u8): host and device driver bit-exact", async () => {
    const program = lowerK210(branchingGraph(), calibration, { inputType: "uint8", mean: [0], std: [1] }).program;
    expect(program.nodes[0]!.attrs).toMatchObject({ input_u8: 1, output_u8: 1 });
    const files = k210Files(program);
    expect(files.get("model.c")).toMatch(/eg_kpu_chain_u8_to_u8\(kpu_layer\w*_chain, 1u, /);
    const frame = [Tensor.fromNumbers("uint8", [1, 8, 16, 16], Array.from({ length: 8 * 16 * 16 }, (_, i) => (i * 37 + 11) % 256))];
    const want = runGraph(expandKpuChains(program), frame);
    expect(hexBytes(runGraph(program, frame))).toEqual(hexBytes(want));
    const [host, device] = await Promise.all([
      buildAndRunAsync(files, program.outputs, frame, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(deviceModelFiles(files), program.outputs, frame, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` }),
    ]);
    expect(hexBytes(host)).toEqual(hexBytes(want));
    expect(hexBytes(device)).toEqual(hexBytes(want));
  });

  it("a MaxPool between two KPU layers pools the bytes (NHWC model): arena from the shapes, outputs bit-exact, kmodel unchanged", async () => {
    const graph = pooledGraph();
    const program = lowerK210(graph, nhwcCalibration).program;
    expect(program.nodes.map((n) => [n.op, n.attrs["layout"] ?? "NCHW"])).toEqual([[KPU_CONV2D_CHAIN, "NHWC"], ["MaxPool", "NCHW"], [KPU_CONV2D, "NHWC"]]);
    expect(program.values.get("p")).toEqual({ dtype: "uint8", shape: [1, 16, 8, 8] });
    // x NHWC float (8·16·16·4), the conv's 16×16×16 bytes, the pool's 16×8×8 bytes (the first two
    // live at the conv, the last two at the pool): 16 × 16 × 16 + 16 × 8 × 8. Float: 4 × both.
    const plain = expandKpuChains(program);
    expect(plain.nodes.find((n) => n.op === "MaxPool")!.attrs["layout"]).toBe("NHWC");
    expect(arenaOf(program)).toBe(16 * 16 * 16 + 16 * 8 * 8);
    expect(arenaOf(plain)).toBe(4 * (16 * 16 * 16 + 16 * 8 * 8));
    const x = [randomTensor([1, 16, 16, 8], 75, -0.1, 1.1)];
    const want = runGraph(plain, x);
    expect(hexBytes(runGraph(program, x))).toEqual(hexBytes(want));
    const fromC = await buildAndRunAsync(k210Files(program), program.outputs, x, { cflags: SANITIZE_CFLAGS });
    expect(hexBytes(fromC)).toEqual(hexBytes(want));
    const lowered = lowerForK210(graph, nhwcCalibration, OPS).program;
    expect(Buffer.from(writeKmodel(plain).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });

  it("a map a CPU op also reads stays float (the CPU op needs the float values)", () => {
    const program = lowerK210(branchingGraph(true), calibration).program;
    expect(program.values.get("m")?.dtype).toBe("float32");
    expect(program.nodes.filter((n) => n.attrs["input_u8"] === 1 || n.attrs["output_u8"] === 1)).toEqual([]);
  });
});
