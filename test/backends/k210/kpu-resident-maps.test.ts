/**
 * Maps kept in KPU RAM across their readers (backends/k210/kpu-resident-maps.ts, issue 17 item 3),
 * on a constructed network: x [1,8,16,16] → 3×3 conv (Relu) → 1×1 conv → m [1,16,16,16]; m → 3×3
 * conv (Relu) → 1×1 conv → y1 [1,4,16,16], m → 1×1 conv (Relu) → 3×3 conv → y2 [1,2,16,16] and m →
 * 1×1 conv → y3 [1,2,16,16]. The readers are two KPU chains and one KpuConv2D taking m as uint8, so m
 * waits in KPU RAM above the layers' maps instead of
 * the arena: the arena holds only the empty token, model_kpu.h counts m's bytes, the outputs are the
 * float form's bytes (TS, and C under ASan/UBSan on the host simulator and the device driver on the
 * register-level model), and the kmodel is unchanged.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { kpuRamUsedBytes } from "../../../backends/k210/kpu-frame.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN, RESIDENT_TOKEN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { programFigures } from "../../../backends/k210/report.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { hexBytes, k210Files, kpuConv, lowerK210 } from "../k210-support.js";

function residentGraph(): Graph {
  return buildGraph({
    name: "resident",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y1", "y2", "y3"],
    constants: new Map([
      ["wa", randomTensor([16, 8, 3, 3], 111, -0.5, 0.5)],
      ["wb", randomTensor([16, 16, 1, 1], 112, -0.5, 0.5)],
      ["wc", randomTensor([8, 16, 3, 3], 113, -0.3, 0.3)],
      ["wd", randomTensor([4, 8, 1, 1], 114, -0.5, 0.5)],
      ["we", randomTensor([8, 16, 1, 1], 115, -0.5, 0.5)],
      ["wf", randomTensor([2, 8, 3, 3], 116, -0.5, 0.5)],
      ["wg", randomTensor([2, 16, 1, 1], 117, -0.5, 0.5)],
    ]),
    nodes: [
      kpuConv("a", "x", "wa", "a_out", [1, 1, 1, 1], "Relu"),
      kpuConv("b", "a_out", "wb", "m", [0, 0, 0, 0]),
      kpuConv("c", "m", "wc", "c_out", [1, 1, 1, 1], "Relu"),
      kpuConv("d", "c_out", "wd", "y1", [0, 0, 0, 0]),
      kpuConv("e", "m", "we", "e_out", [0, 0, 0, 0], "Relu"),
      kpuConv("f", "e_out", "wf", "y2", [1, 1, 1, 1]),
      kpuConv("g", "m", "wg", "y3", [0, 0, 0, 0]),
    ],
  });
}

const calibration = [121, 122, 123].map((s) => [randomTensor([1, 8, 16, 16], s, 0, 1)]);
const input = [randomTensor([1, 8, 16, 16], 124, -0.1, 1.1)];
const arenaOf = (program: Graph) => emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size;

describe("k210: maps only KPU layers read wait in KPU RAM (C program)", () => {
  it("m takes no arena bytes, sits above the layers' maps, outputs bit-exact, kmodel unchanged", async () => {
    const program = lowerK210(residentGraph(), calibration).program;
    expect(program.nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CHAIN, KPU_CONV2D_CHAIN, KPU_CONV2D_CHAIN, KPU_CONV2D]);
    const [producer, ...readers] = program.nodes;
    const plain = expandKpuChains(program);
    // m's own bytes start at the first 64-byte line above every layer's maps.
    const offset = Math.ceil(kpuRamUsedBytes(plain) / 64) * 64;
    expect(producer!.attrs["output_kpu"]).toBe(offset);
    expect(readers.map((n) => [n.attrs["input_kpu"], n.attrs["input_u8"], n.attrs["output_kpu"]])).toEqual([[offset, 1, undefined], [offset, 1, undefined], [offset, 1, undefined]]);
    expect(program.values.get("m")).toEqual(RESIDENT_TOKEN);

    // Arena: only m's empty token (no bytes); layer by layer m is 16·16·16 uint8 bytes
    // and the two float maps between the layers 8·16·16·4 B each.
    const m = 16 * 16 * 16;
    expect(arenaOf(program)).toBe(0);
    expect(plain.values.get("m")).toEqual({ dtype: "float32", shape: [1, 16, 16, 16] });
    expect(arenaOf(plain)).toBeGreaterThanOrEqual(4 * m);
    const model = emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS });
    const figures = programFigures(model, program, OPS);
    expect(figures.kpuRamBytes).toBe(offset + m);
    expect(figures.mainRamBytes).toBe(8 * 16 * 16 * 4 + (4 + 2 + 2) * 16 * 16 * 4);
    const files = k210Files(program);
    expect(files.get("model_kpu.h")).toContain(`#define MODEL_KPU_RAM_USED ${offset + m}u`);
    expect(files.get("model.c")!.split(`eg_kpu_frame(${offset}u)`).length - 1).toBe(4);

    const want = runGraph(plain, input);
    expect(hexBytes(runGraph(program, input))).toEqual(hexBytes(want));
    const device = new Map(files);
    device.set("Makefile", files.get("Makefile")!.replace(/^SRCS = (.*)$/m, "SRCS = $1 kpu_model.c"));
    const [host, onDevice, layersC] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(device, program.outputs, input, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` }),
      buildAndRunAsync(k210Files(plain), plain.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(hexBytes(host)).toEqual(hexBytes(want));
    expect(hexBytes(onDevice)).toEqual(hexBytes(want));
    expect(hexBytes(layersC)).toEqual(hexBytes(want));

    const lowered = lowerForK210(residentGraph(), calibration, OPS).program;
    expect(Buffer.from(writeKmodel(program).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });
});
