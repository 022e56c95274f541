/**
 * The C program's main RAM on the K210 (issue 17 item 3), on constructed networks:
 *
 * 1. Concats of KPU maps as uint8 (backends/k210/kpu-requant-concat.ts): ulffd_landmark's head
 *    pattern, two KPU layers with different output quantisations → channel Concat (NHWC) → Relu →
 *    two KPU layers. The producers hand their maps over as bytes, one KpuRequantConcat re-quantises
 *    them into the readers' quantisation through tables, and no float map is left between the KPU
 *    layers: the arena is what the shapes say, the outputs are the bytes of the float form (TS, and
 *    C under ASan/UBSan against the C of the float form), and the kmodel is unchanged.
 * 2. The uint8 frame input in KPU RAM (backends/k210/kpu-frame.ts): model_kpu.h places it at the
 *    top of KPU RAM, main RAM does not count it, and a caller that writes it there through
 *    eg_kpu_frame gets the same outputs (host simulator and device driver on the register-level
 *    model) while the model leaves the frame's bytes alone.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CANDIDATE } from "../../../backends/k210/ops/kpu-conv2d-candidate.js";
import { KPU_CONV2D_CHAIN, RESIDENT_TOKEN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT } from "../../../backends/k210/ops/kpu-requant-concat.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { programFigures } from "../../../backends/k210/report.js";
import { KPU_RAM_BYTES } from "../../../backends/k210/kpu-ram.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, Tensor, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { hexBytes, k210Files, kpuConv, lowerK210 } from "../k210-support.js";

/**
 * x NHWC [1,16,16,8] → 3×3 conv (Relu) → m [1,16,16,16]; m → 1×1 conv → b [1,16,16,8] and m → 3×3
 * conv → c [1,16,16,4] (no activation: negative values, different ranges); concat(b, c) on the
 * channel axis → Relu → r [1,16,16,12]; r → 3×3 conv → y1 [1,16,16,4] and r → 1×1 conv → y2
 * [1,16,16,2]. With `cpuReader` a Sigmoid also reads r (a third output).
 */
function headGraph(cpuReader = false): Graph {
  const conv = (name: string, x: string, w: string, y: string, pads: number[], activation?: string) => kpuConv(name, x, w, y, pads, activation, "NHWC");
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
    // r, read by KPU layers only, waits in KPU RAM too (resident-concat.test.ts): its empty token.
    expect(program.values.get("r")).toEqual(RESIDENT_TOKEN);
    expect(program.values.has("cat_out")).toBe(false);

    // Arena: m waits in KPU RAM (only KPU chains read it, kpu-resident-maps.ts: an empty token
    // until c); b's 8·16·16 B and c's 4·16·16 B until the concat; r's empty token from the concat
    // on. Peak at the concat: b + c. The float form holds b, c, the concat and the Relu as floats
    // (and m as uint8, the hand-over of kpu-u8-handover.ts).
    const bBytes = 8 * 16 * 16, cBytes = 4 * 16 * 16;
    expect(program.nodes[0]!.attrs["output_kpu"]).toBeDefined();
    expect(arenaOf(program)).toBe(bBytes + cBytes);
    const plain = expandKpuChains(program);
    expect(plain.nodes.map((n) => n.op)).toEqual([KPU_CONV2D, KPU_CONV2D, KPU_CONV2D, "Concat", "Relu", KPU_CONV2D, KPU_CONV2D]);
    expect(plain.values.get("r")).toEqual({ dtype: "float32", shape: [1, 16, 16, 12] });
    expect(plain.values.get("cat_out")).toEqual({ dtype: "float32", shape: [1, 16, 16, 12] });
    expect(arenaOf(plain)).toBeGreaterThanOrEqual(4 * (bBytes + cBytes) + 4 * (bBytes + cBytes));
    console.log(`KPU concat: arena ${arenaOf(program)} B with the uint8 concat, ${arenaOf(plain)} B layer by layer with float maps`);

    const want = runGraph(plain, input);
    expect(hexBytes(runGraph(program, input))).toEqual(hexBytes(want));
    const files = k210Files(program);
    expect(files.get("model.c")).toMatch(/kpu_requant_lut\w*\[x\[i\]\]/);
    const [fromC, layersC] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(k210Files(plain), plain.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(hexBytes(fromC)).toEqual(hexBytes(want));
    expect(hexBytes(layersC)).toEqual(hexBytes(want));

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

/** x [1,8,16,16] → 3×3 conv (Relu) → 1×1 conv → y [1,8,16,16]: one KPU chain reading the frame. */
function frameGraph(): Graph {
  return buildGraph({
    name: "frame",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y"],
    constants: new Map([
      ["wa", randomTensor([16, 8, 3, 3], 101, -0.5, 0.5)],
      ["wb", randomTensor([8, 16, 1, 1], 102, -0.5, 0.5)],
    ]),
    nodes: [
      { name: "a", op: KPU_CONV2D_CANDIDATE, inputs: ["x", "wa"], outputs: ["m"], attrs: { pads: [1, 1, 1, 1], activation: "Relu" } },
      { name: "b", op: KPU_CONV2D_CANDIDATE, inputs: ["m", "wb"], outputs: ["y"], attrs: {} },
    ],
  });
}

/**
 * runner.c changed to place input 0 where model_kpu.h says, through eg_kpu_frame, pass that pointer
 * to model_run, and fail (exit 3) if the model wrote any of the frame's bytes.
 */
function kpuFrameRunner(runner: string): string {
  const placed = runner
    .replace('#include "model.h"', '#include "model.h"\n#include "model_kpu.h"\n#include "kpu_driver.h"\nstatic unsigned char frame_copy[1u << 16];')
    .replace("    inputs[i] = buf;\n", [
      "    inputs[i] = buf;",
      "    if (i == 0) {",
      "      uint8_t *frame = eg_kpu_frame((uint32_t)MODEL_INPUT0_KPU_OFFSET);",
      "      if (!frame || model_input_bytes[0] > sizeof frame_copy) return 4;",
      "      memcpy(frame, buf, model_input_bytes[0]);",
      "      memcpy(frame_copy, buf, model_input_bytes[0]);",
      "      free(buf);",
      "      inputs[0] = frame;",
      "    }",
      "",
    ].join("\n"))
    .replace("  for (i = 0; i < MODEL_NUM_INPUTS; i++) free((void *)inputs[i]);", "  if (memcmp(inputs[0], frame_copy, model_input_bytes[0]) != 0) return 3;\n  for (i = 1; i < MODEL_NUM_INPUTS; i++) free((void *)inputs[i]);");
  expect(placed).toContain("eg_kpu_frame((uint32_t)MODEL_INPUT0_KPU_OFFSET)");
  expect(placed).toContain("return 3;");
  return placed;
}

describe("k210: the uint8 frame input in KPU RAM (C program)", () => {
  it("the frame's bytes sit at the top of KPU RAM, are not counted as main RAM, and give the same outputs", async () => {
    const program = lowerK210(frameGraph(), [91, 92].map((s) => [randomTensor([1, 8, 16, 16], s, 0, 1)]), { inputType: "uint8", mean: [0], std: [1] }).program;
    const frameBytes = 8 * 16 * 16;
    const files = k210Files(program);
    const offset = KPU_RAM_BYTES - frameBytes;
    expect(files.get("model_kpu.h")).toContain(`#define MODEL_INPUT0_KPU_OFFSET ${offset}`);
    const model = emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS });
    const figures = programFigures(model, program, OPS);
    expect(figures.kpuRamBytes).toBeLessThanOrEqual(offset);
    expect(files.get("model_kpu.h")).toContain(`#define MODEL_KPU_RAM_USED ${figures.kpuRamBytes}u`);
    // Main RAM: the arena and the float output; the frame is in KPU RAM.
    expect(figures.mainRamBytes).toBe(model.plan.arena.size + 8 * 16 * 16 * 4);

    const frame = [Tensor.fromNumbers("uint8", [1, 8, 16, 16], Array.from({ length: frameBytes }, (_, i) => (i * 53 + 7) % 256))];
    const want = runGraph(program, frame);
    const inKpuRam = new Map(files);
    inKpuRam.set("runner.c", kpuFrameRunner(files.get("runner.c")!));
    const device = new Map(inKpuRam);
    device.set("Makefile", files.get("Makefile")!.replace(/^SRCS = (.*)$/m, "SRCS = $1 kpu_model.c"));
    const [plain, host, onDevice] = await Promise.all([
      buildAndRunAsync(files, program.outputs, frame, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(inKpuRam, program.outputs, frame, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(device, program.outputs, frame, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` }),
    ]);
    expect(hexBytes(plain)).toEqual(hexBytes(want));
    expect(hexBytes(host)).toEqual(hexBytes(want));
    expect(hexBytes(onDevice)).toEqual(hexBytes(want));
  });
});
