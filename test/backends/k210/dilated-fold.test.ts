/**
 * Dilated convs in the C program (backends/k210/kpu-dilated-fold.ts): the lowering's expansion of
 * each dilated conv becomes one KpuDilatedConv2D node that gathers and scatters one phase at a
 * time, and a map between two of them goes over as uint8. On the bench's dilated network the arena
 * is what the shapes say and the C program's main RAM is below its kmodel's; the fold is undone
 * exactly (so model.kmodel is unchanged), the folded program computes the expansion's bytes, and a
 * block that is no exact expansion stays as it is. The C program gives the expansion's bytes under
 * ASan/UBSan with the device driver on the register-level KPU model (here) and with the host
 * simulator (dilated.test.ts).
 */
import { describe, expect, it } from "vitest";
import { dilatedNetwork } from "../../../bench/k210-networks.js";
import { seededRandomInputs } from "../../../backends/k210/calibrate.js";
import { writeKmodel } from "../../../backends/k210/kmodel/writer.js";
import { expandKpuChains } from "../../../backends/k210/kpu-chain.js";
import { foldDilatedConvs } from "../../../backends/k210/kpu-dilated-fold.js";
import { KPU_DILATED_CONV2D } from "../../../backends/k210/ops/kpu-dilated-conv2d.js";
import { compile, runGraph, Tensor, type Graph } from "../../../src/index.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../../support/c-run.js";
import { deviceModelFiles, hexBytes } from "../k210-support.js";

/** The program as comparable text: nodes in order with their attributes (tensors as bytes), and the value types. */
function describeProgram(g: Graph): string {
  const replacer = (_key: string, v: unknown) => (v instanceof Tensor ? { dtype: v.dtype, shape: v.shape, bytes: Buffer.from(v.bytes()).toString("hex") } : v);
  return JSON.stringify({ nodes: g.nodes, values: [...g.values].sort(([a], [b]) => (a < b ? -1 : 1)) }, replacer);
}

const compiled = () => {
  const graph = dilatedNetwork();
  return compile(graph, { target: "k210", calibration: seededRandomInputs(graph, 2, 5) });
};

describe("k210: dilated convs folded for the C program (kpu-dilated-fold.ts)", () => {
  it("bench's dilated network: two folded convs, a uint8 map between them, main RAM below the kmodel's", () => {
    const result = compiled();
    const program = result.graph;
    expect(program.nodes.map((n) => [n.op, n.attrs["input_u8"] ?? 0, n.attrs["output_u8"] ?? 0])).toEqual([
      [KPU_DILATED_CONV2D, 0, 1],
      [KPU_DILATED_CONV2D, 1, 0],
    ]);
    expect(program.values.get(program.nodes[0]!.outputs[0]!)).toEqual({ dtype: "uint8", shape: [1, 16, 32, 32] });
    // Arena: the uint8 map between the convs (16·32·32) and the first conv's scratch, one 16×16 phase
    // in (8 channels, float) and out (16 channels, uint8): 16,384 + 8,192 + 4,096 (the second's
    // 11×11 phases take 1,936 + 7,744 B, less). Before: 147,136 B (every phase map at once).
    expect(result.summary.arenaBytes).toBe(16_384 + 8_192 + 4_096);
    const report = result.summary.targetReport!;
    // + the float input (8·32·32·4) and output (16·32·32·4) buffers.
    expect(report["mainRamBytes"]).toBe(28_672 + 32_768 + 65_536);
    expect(report["mainRamBytes"]).toBeLessThanOrEqual(report["kmodelMainRamBytes"]!);
    expect(report["kpuLayers"]).toBe(4 + 9);
  });

  it("is undone exactly: the expansion folds back to the same program, and the kmodel is the expansion's", () => {
    const program = compiled().graph;
    const expanded = expandKpuChains(program);
    expect(expanded.nodes.filter((n) => n.op === "KpuConv2D").length).toBe(4 + 9);
    expect(expanded.nodes.some((n) => n.op === KPU_DILATED_CONV2D)).toBe(false);
    expect(describeProgram(foldDilatedConvs(expanded))).toBe(describeProgram(program));
    expect(describeProgram(expandKpuChains(foldDilatedConvs(expanded)))).toBe(describeProgram(expanded));
    expect(Buffer.from(writeKmodel(program).bytes).equals(Buffer.from(writeKmodel(expanded).bytes))).toBe(true);
    // The folded nodes compute the expansion's bytes (gather, phase layers, uint8 hand-over, scatter).
    const x = seededRandomInputs(dilatedNetwork(), 1, 77)[0]!;
    expect(hexBytes(runGraph(program, x))).toEqual(hexBytes(runGraph(expanded, x)));
  });

  it("the device driver on the register-level KPU model gives the expansion's bytes too (ASan/UBSan)", async () => {
    const result = compiled();
    const x = seededRandomInputs(dilatedNetwork(), 1, 77)[0]!;
    const device = await buildAndRunAsync(deviceModelFiles(result.files), result.graph.outputs, x, { cflags: `${SANITIZE_CFLAGS} -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL` });
    expect(hexBytes(device)).toEqual(hexBytes(runGraph(expandKpuChains(result.graph), x)));
  });

  it("leaves a block that is no exact expansion unfolded (here: one phase layer with another zero point)", () => {
    const expanded = expandKpuChains(compiled().graph);
    const nodes = expanded.nodes.map((n) => (n.name === "y2__dil_phase1_1" ? { ...n, attrs: { ...n.attrs, y_zero_point: Number(n.attrs["y_zero_point"]) + 1 } } : n));
    const folded = foldDilatedConvs({ ...expanded, nodes });
    expect(folded.nodes.filter((n) => n.op === KPU_DILATED_CONV2D).map((n) => n.name)).toEqual(["y1__dil"]);
    expect(folded.nodes.filter((n) => n.op === "KpuConv2D").length).toBe(9);
    // Its reader is no folded conv, so the first conv's map stays float.
    expect(folded.values.get("y1")?.dtype).toBe("float32");
  });
});
