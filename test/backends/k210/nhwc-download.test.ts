/**
 * KPU outputs dequantised straight into NHWC (backends/k210/kpu-nhwc-download.ts, issue 17 item 3),
 * on a constructed network shaped like slim-320's box heads: x [1,8,16,16] → 3×3 conv (Relu) → m
 * [1,16,16,16]; m → 1×1 conv → b [1,8,16,16] → Transpose to NHWC → Reshape [1,512,4] and m → 3×3
 * conv → c [1,4,16,16] → Transpose → Reshape [1,256,4]; Concat on axis 1 → y [1,768,4]. b and c take
 * m as uint8 (it waits in KPU RAM), so each downloads its map NHWC itself: no Transpose and no NCHW
 * copy is left, the arena is the two NHWC maps waiting for the concat, the outputs are the float
 * form's bytes (TS, and C under ASan/UBSan), and the kmodel is unchanged.
 */
import { describe, expect, it } from "vitest";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { lowerForK210 } from "../../../backends/k210/lower.js";
import { KPU_CONV2D_CHAIN } from "../../../backends/k210/ops/kpu-conv2d-chain.js";
import { K210_EMIT_OPTIONS } from "../../../backends/k210/target.js";
import { emitModel } from "../../../src/emit/emit-model.js";
import { buildGraph, runGraph, Tensor, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { randomTensor } from "../../support/graphs.js";
import { OPS } from "../../support/toolchain.js";
import { hexBytes, k210Files, kpuConv, lowerK210 } from "../k210-support.js";

function headsGraph(): Graph {
  const head = (name: string, x: string) => [
    { name: `${name}_t`, op: "Transpose", inputs: [x], outputs: [`${name}_t`], attrs: { perm: [0, 2, 3, 1] } },
    { name: `${name}_r`, op: "Reshape", inputs: [`${name}_t`, `${name}_shape`], outputs: [`${name}_r`], attrs: {} },
  ];
  return buildGraph({
    name: "nhwc_heads",
    opset: 17,
    inputs: [{ name: "x", dtype: "float32", dims: [1, 8, 16, 16] }],
    outputs: ["y"],
    constants: new Map<string, Tensor>([
      ["wa", randomTensor([16, 8, 3, 3], 151, -0.5, 0.5)],
      ["wb", randomTensor([8, 16, 1, 1], 152, -0.5, 0.5)],
      ["wc", randomTensor([4, 16, 3, 3], 153, -0.3, 0.3)],
      ["hb_shape", Tensor.fromNumbers("int64", [3], [1, 512, 4])],
      ["hc_shape", Tensor.fromNumbers("int64", [3], [1, 256, 4])],
    ]),
    nodes: [
      kpuConv("a", "x", "wa", "m", [1, 1, 1, 1], "Relu"),
      kpuConv("b", "m", "wb", "b_out", [0, 0, 0, 0]),
      kpuConv("c", "m", "wc", "c_out", [1, 1, 1, 1]),
      ...head("hb", "b_out"),
      ...head("hc", "c_out"),
      { name: "cat", op: "Concat", inputs: ["hb_r", "hc_r"], outputs: ["y"], attrs: { axis: 1 } },
    ],
  });
}

const calibration = [161, 162, 163].map((s) => [randomTensor([1, 8, 16, 16], s, 0, 1)]);
const input = [randomTensor([1, 8, 16, 16], 164, -0.1, 1.1)];
const arenaOf = (program: Graph) => emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS }).plan.arena.size;

describe("k210: KPU outputs downloaded NHWC (C program)", () => {
  it("no Transpose and no NCHW copy: arena from the shapes, outputs bit-exact, kmodel unchanged", async () => {
    const program = lowerK210(headsGraph(), calibration).program;
    expect(program.nodes.map((n) => [n.op, n.name, n.attrs["layout"]])).toEqual([
      [KPU_CONV2D_CHAIN, "a", "NCHW"], [KPU_CONV2D_CHAIN, "b", "NHWC"], [KPU_CONV2D_CHAIN, "c", "NHWC"],
      ["Reshape", "hb_r", undefined], ["Reshape", "hc_r", undefined], ["Concat", "cat", undefined],
    ]);
    expect(program.nodes.slice(1, 3).map((n) => [n.outputs[0], n.attrs["input_u8"], typeof n.attrs["nhwc_download"]])).toEqual([["hb_t", 1, "string"], ["hc_t", 1, "string"]]);
    expect(program.values.get("hb_t")).toEqual({ dtype: "float32", shape: [1, 16, 16, 8] });
    expect(program.values.has("b_out")).toBe(false);

    // Arena: nothing. The two NHWC float maps (8·16·16·4 and 4·16·16·4 B; the Reshapes are views)
    // are written straight into their slices of the graph output `cat` (concatInPlace), and m's
    // token is empty (m waits in KPU RAM). With the concat as a copy they wait in the arena.
    expect(arenaOf(program)).toBe(0);
    expect(emitModel(program, { ops: OPS, ...K210_EMIT_OPTIONS, concatInPlace: false }).plan.arena.size).toBe((8 + 4) * 16 * 16 * 4);
    const plain = expandKpuChains(program);
    // The float form is the program before this pass, in its order: each Transpose where it was.
    expect(plain.nodes.map((n) => n.name)).toEqual(["a", "b", "c", "hb_t", "hb_r", "hc_t", "hc_r", "cat"]);
    expect(plain.values.get("b_out")).toEqual({ dtype: "float32", shape: [1, 8, 16, 16] });
    expect(arenaOf(plain)).toBeGreaterThan(arenaOf(program) + 8 * 16 * 16 * 4);
    console.log(`NHWC download: arena ${arenaOf(program)} B, ${arenaOf(plain)} B with the NCHW maps and Transposes`);

    const want = runGraph(plain, input);
    expect(hexBytes(runGraph(program, input))).toEqual(hexBytes(want));
    const files = k210Files(program);
    expect(files.get("model.c")).not.toMatch(/transpose/i);
    const [fromC, layersC] = await Promise.all([
      buildAndRunAsync(files, program.outputs, input, { cflags: SANITIZE_CFLAGS }),
      buildAndRunAsync(k210Files(plain), plain.outputs, input, { cflags: SANITIZE_CFLAGS }),
    ]);
    expect(hexBytes(fromC)).toEqual(hexBytes(want));
    expect(hexBytes(layersC)).toEqual(hexBytes(want));

    const lowered = lowerForK210(headsGraph(), calibration, OPS).program;
    expect(Buffer.from(writeKmodel(program).bytes).equals(Buffer.from(writeKmodel(lowered).bytes))).toBe(true);
  });
});
