/**
 * uint8 head concats kept in KPU RAM (backends/k210/kpu-resident-maps.ts with a KpuRequantConcat
 * producer, issue 17 item 3), on a constructed network: x [1,8,16,16] → 3×3 conv (Relu) → m
 * [1,16,16,16]; m → 1×1 conv → b [1,8,16,16] and m → 3×3 conv → c [1,4,16,16]; concat(b, c) on the
 * channel axis → r [1,12,16,16]; r → 3×3 conv (Relu) → 1×1 conv → y1 [1,4,16,16] and r → 1×1 conv
 * → y2 [1,2,16,16]. r is a KpuRequantConcat read only by a KPU chain and a KpuConv2D, so its table
 * lookups write it straight into KPU RAM above m (which waits there too) and the readers take it from
 * there: the arena holds only b and c (the concat's inputs) and the two tokens, model_kpu.h counts r,
 * the outputs are the float form's bytes (TS, and C under ASan/UBSan on the host simulator and the
 * device driver on the register-level model), and the kmodel is unchanged.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { kpuRamUsedBytes } from "../../../backends/k210/kpu-frame.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D } from "../../../backends/k210/ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN, RESIDENT_TOKEN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT } from "../../../backends/k210/ops/kpu-requant-concat.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { programFigures } from "../../../backends/k210/report.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { hexBytes, k210Files, kpuConv, lowerK210 } from "../k210-support.js";

function concatGraph(): Graph {
  return buildGraph({
    name: "resident_concat",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y1", "y2"],
    constants: new Map([
      ["wa", randomTensor([16, 8, 3, 3], 131, -0.5, 0.5)],
      ["wb", randomTensor([8, 16, 1, 1], 132, -0.5, 0.5)],
      ["wc", randomTensor([4, 16, 3, 3], 133, -0.3, 0.3)],
      ["wd", randomTensor([8, 12, 3, 3], 134, -0.5, 0.5)],
      ["we", randomTensor([4, 8, 1, 1], 135, -0.5, 0.5)],
      ["wf", randomTensor([2, 12, 1, 1], 136, -0.5, 0.5)],
    ]),
    nodes: [
      kpuConv("a", "x", "wa", "m", [1, 1, 1, 1], "Relu"),
      kpuConv("b", "m", "wb", "b_out", [0, 0, 0, 0]),
      kpuConv("c", "m", "wc", "c_out", [1, 1, 1, 1]),
      { name: "cat", op: "Concat", inputs: ["b_out", "c_out"], outputs: ["r"], attrs: { axis: 1 } },
      kpuConv("d", "r", "wd", "d_out", [1, 1, 1, 1], "Relu"),
      kpuConv("e", "d_out", "we", "y1", [0, 0, 0, 0]),
      kpuConv("f", "r", "wf", "y2", [0, 0, 0, 0]),
    ],
  });
}

const calibration = [141, 142, 143].map((s) => [randomTensor([1, 8, 16, 16], s, 0, 1)]);
const input = [randomTensor([1, 8, 16, 16], 144, -0.1, 1.1)];
const line = (n: number) => Math.ceil(n / 64) * 64;

describe("k210: uint8 head concats only KPU layers read wait in KPU RAM (C program)", () => {
  it("r takes no arena bytes, sits above m, outputs bit-exact, kmodel unchanged", async () => {
    const program = lowerK210(concatGraph(), calibration).program;
    expect(program.nodes.map((n) => [n.op, n.name])).toEqual([
      [KPU_CONV2D_CHAIN, "a"], [KPU_CONV2D_CHAIN, "b"], [KPU_CONV2D_CHAIN, "c"], [KPU_REQUANT_CONCAT, "cat"], [KPU_CONV2D_CHAIN, "d..e"], [KPU_CONV2D, "f"],
    ]);
    const [, , , cat, d, f] = program.nodes;
    const plain = expandKpuChains(program);
    // m's bytes start at the first 64-byte line above every layer's maps, r's at the line after m.
    const m = 16 * 16 * 16, r = 12 * 16 * 16;
    const mOffset = line(kpuRamUsedBytes(plain)), rOffset = line(mOffset + m);
    expect(program.nodes[0]!.attrs["output_kpu"]).toBe(mOffset);
    expect(cat!.attrs["output_kpu"]).toBe(rOffset);
    expect(cat!.attrs["input_kpu"]).toBeUndefined();
    expect([d, f].map((n) => [n!.attrs["input_kpu"], n!.attrs["input_u8"]])).toEqual([[rOffset, 1], [rOffset, 1]]);
    expect(program.values.get("r")).toEqual(RESIDENT_TOKEN);

    // Arena: b's 8·16·16 and c's 4·16·16 uint8 bytes until the concat, and r's empty token (no
    // bytes) from it on; m's token dies at c. Layer by layer r alone is 12·16·16 floats.
    const bBytes = 8 * 16 * 16, cBytes = 4 * 16 * 16;
    const model = emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS });
    expect(model.plan.arena.size).toBe(bBytes + cBytes);
    expect(plain.values.get("r")).toEqual({ dtype: "float32", shape: [1, 12, 16, 16] });
    expect(emitModel(plain, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size).toBeGreaterThanOrEqual(4 * r);
    const figures = programFigures(model, program, OPS);
    expect(figures.kpuRamBytes).toBe(rOffset + r);
    expect(figures.mainRamBytes).toBe(bBytes + cBytes + (8 + 4 + 2) * 16 * 16 * 4);
    const files = k210Files(program);
    expect(files.get("model_kpu.h")).toContain(`#define MODEL_KPU_RAM_USED ${rOffset + r}u`);
    // The concat writes r there once per input; d and f read it from there.
    expect(files.get("model.c")!.split(`eg_kpu_frame(${rOffset}u)`).length - 1).toBe(2 + 2);

    const want = runGraph(plain, input);
    expect(hexBytes(runGraph(program, input))).toEqual(hexBytes(want));
    const device = new Map(files);
    device.set("Makefile", files.get("Makefile")!.replace(/^SRCS = (.*)$/m, "SRCS = $1 kpu_model.c"));
    const [host, onDevice] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(device, program.outputs, input, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` }),
    ]);
    expect(hexBytes(host)).toEqual(hexBytes(want));
    expect(hexBytes(onDevice)).toEqual(hexBytes(want));

    const lowered = lowerForK210(concatGraph(), calibration, OPS).program;
    expect(Buffer.from(writeKmodel(program).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });
});
