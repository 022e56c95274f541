import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { profiledRows } from "../../backends/cortex-m/per-op.js";
import { nodeTypes } from "../../costmodels/program.js";
import { compile, type Graph } from "../../src/index.js";
import { bandFormOf, decodeStages, encodeStages } from "../../src/ir/ops/quant/patch/stages.js";
import { kernelNodes } from "../../backends/cortex-m/measure.js";
import { patchGraph } from "../support/patch-chains.js";
import { runProcess } from "../support/processes.js";
import { sharedOrSkip } from "../support/shared-skip.js";
import { costModelOf, OPS } from "../support/toolchain.js";
import { chainsGraph, type LayerSpec } from "../schedule/in-place-chains.js";

/**
 * Patch chains in the per-op profile (`egret bench --per-op`, issue 16): a QPatchBands node is one
 * row per layer of its chain (OpDef.profileRows), each covering that layer's calls over every band,
 * so a profile shows which layer of a chain costs what. The emitted profile build brackets exactly
 * those calls, the harness records as many rows as the program has, and the cost model prices each
 * row as the calls it covers.
 */

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const layer = (kind: LayerSpec["kind"], k: number, pad: boolean, channels: number, seed: number): LayerSpec => ({ kind, k, stride: 1, pad, channels, seed });
const CHAIN = chainsGraph([{ h: 10, w: 7, c: 4, layers: [layer("conv", 3, true, 8, 21), layer("depthwise", 3, true, 2, 22), layer("conv", 1, false, 6, 23)] }]);
/** Each layer's kernel function on Cortex-M4 (the band forms of the DSP convolutions). */
const KERNELS = ["eg_qconv2d_i8_dsp_tab", "eg_qdepthwise_i8_dsp", "eg_qconv2d_1x1_i8_dsp_tab"];

/** The chain as one patch node of 2-row bands with kept halos, its layers the Cortex-M4 DSP ops. */
function dspPatch(): Graph {
  const graph = patchGraph(CHAIN.graph, CHAIN.graph.nodes.map((n) => n.name), 2, true);
  const dsp = ["QConv2DDsp", "QDepthwiseConv2DDsp", "QConv2D1x1Dsp"];
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.op !== "QPatchBands" ? n : { ...n, attrs: { ...n.attrs, stages: encodeStages(decodeStages(n).map((s, i) => ({ ...s, op: bandFormOf(OPS, dsp[i]!) }))) } })),
  };
}

/** Statements between EGRET_PROFILE_BEGIN(k) and EGRET_PROFILE_END(k), per k (fails on a bad nesting). */
function bracketed(source: string): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  let open: number | undefined;
  for (const line of source.split("\n").map((l) => l.trim())) {
    const begin = /^EGRET_PROFILE_BEGIN\((\d+)\);$/.exec(line);
    const end = /^EGRET_PROFILE_END\((\d+)\);$/.exec(line);
    if (begin !== null) {
      expect(open, `row ${begin[1]} begins inside row ${open}`).toBeUndefined();
      open = Number(begin[1]);
      if (!rows.has(open)) rows.set(open, []);
    } else if (end !== null) {
      expect(Number(end[1])).toBe(open);
      open = undefined;
    } else if (open !== undefined) rows.get(open)!.push(line);
  }
  expect(open).toBeUndefined();
  return rows;
}

describe("patch chains in the per-op profile", () => {
  it("a row per layer: the profile build brackets each layer's band calls, the harness records them, the cost model prices them", () => {
    const compiled = compile(dspPatch(), { target: "cortex-m4", profile: true });
    const program = compiled.graph;
    const model = costModelOf("cortex-m4");
    expect(program.nodes.map((n) => n.op)).toEqual(["QPatchBands"]);
    const patch = program.nodes[0]!;
    const rows = OPS.get("QPatchBands")!.profileRows!(patch, nodeTypes(program, patch).inputs);
    expect(rows.map((r) => r.node.op)).toEqual(["QConv2DDspBand", "QDepthwiseConv2DDspBand", "QConv2D1x1DspBand"]);
    const profiled = bracketed(compiled.files.get("harness/model_profile.c")!);
    expect([...profiled.keys()].sort()).toEqual([0, 1, 2]);
    rows.forEach((row, i) => {
      const calls = profiled.get(i)!.filter((l) => /^eg_q\w+\(/.test(l));
      expect(calls.length, `row ${i}`).toBe(row.calls.length);
      expect(calls.length, `row ${i}: a band chain calls each layer more than once`).toBeGreaterThan(1);
      expect(calls.every((l) => l.startsWith(`${KERNELS[i]}(`)), `row ${i}: ${calls.join(" | ")}`).toBe(true);
    });
    expect(compiled.files.get("harness/Makefile")).toMatch(/^PROFILE_OPS = 3$/m);
    const priced = profiledRows(program, kernelNodes(program, OPS), model, OPS);
    expect(priced.map((r) => r.node.name)).toEqual(rows.map((r) => r.node.name));
    expect(priced.every((r) => r.predictedCycles > 0)).toBe(true);
    const whole = model.nodeCost(patch, nodeTypes(program, patch).inputs, nodeTypes(program, patch).outputs, OPS)["cycles"]!;
    expect(priced.reduce((s, r) => s + r.predictedCycles, 0)).toBeCloseTo(whole, 6);
  });

  it("egret bench --per-op --sram-budget 8000 on kws_ref_model: the chain's 10 layers as rows, measured under QEMU", async (ctx) => {
    const shared = sharedOrSkip(ctx, "kws_ref_model per-op profile of its patch chain under QEMU");
    const run = await runProcess([EGRET, "bench", join(shared, "models", "tflite", "mlperf-tiny", "kws", "kws_ref_model.tflite"), "--target", "cortex-m4", "--per-op", "--sram-budget", "8000", "--json", "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { kernels: string; size: { ram: { arena: number } }; perOp: { node: string; op: string; measured: number; predicted: number }[] }[] };
    const optimised = report.results.find((r) => r.kernels === "optimised")!;
    expect(optimised.size.ram.arena).toBeLessThanOrEqual(8000);
    const layers = optimised.perOp.filter((r) => /\/stage\d+ \(layer \d+\/\d+/.test(r.node));
    console.log(layers.map((r) => `${r.op} ${r.measured}`).join("\n"));
    expect(layers.length).toBe(10);
    expect(new Set(layers.map((r) => r.op))).toEqual(new Set(["QConv2DDspBand", "QDepthwiseConv2D3x3DspBand", "QConv2D1x1DspBand", "QAveragePool2D"]));
    expect(layers.every((r) => r.measured > 0 && r.predicted > 0)).toBe(true);
    // The rows and the other kernels together are the whole profile: softmax and FC follow the chain.
    expect(optimised.perOp.map((r) => r.op).slice(layers.length)).toEqual(["QFullyConnectedDsp", "QSoftmax"]);
  });
});
