import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compile, runGraph, type Graph } from "../../src/index.js";
import { RUNTIME_C_DIR } from "../../src/paths.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";
import { dspGemmScratch } from "../../backends/cortex-m/ops/conv-dsp.js";
import { decodeStages, encodeStages, bandFormOf } from "../../src/ir/ops/quant/patch/stages.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { patchGraph } from "../support/patch-chains.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";
import { OPS } from "../support/toolchain.js";
import { chainsGraph, type LayerSpec } from "../schedule/in-place-chains.js";
import { multiNodeGraph, randInt, randomInts, randomScale, rng, type QNode } from "./quant-support.js";

/**
 * The band forms of the Cortex-M DSP convolutions (backends/cortex-m/ops/conv-dsp-band.ts,
 * depthwise3x3-dsp-band.ts, runtime-c/kernels/qconv_i8_dsp_tab.c): the requantization table (and
 * for the 3x3 depthwise its folded bias, widened weights and padding row) is a compile-time
 * constant, so a patch chain's bands do not rebuild it per call. They must compute exactly what
 * QConv2D / QDepthwiseConv2D do (host build: the portable path of the DSP wrappers, under
 * ASan/UBSan), alone and as layers of a QPatchBands node, need 16 bytes of scratch per output
 * channel less than their base op (the 3x3 depthwise none), and build for Cortex-M4 with -Werror
 * at every optimisation level.
 */

const execFileAsync = promisify(execFile);

type BandOp = "QConv2DDspBand" | "QConv2D1x1DspBand" | "QDepthwiseConv2D3x3DspBand";

/**
 * A random conv (kernel 1x1 to 3x3, padding, strides, dilations), 1x1 or 3x3 depthwise case of a
 * band op; `wide`: a real scale above 1/2 (no table: the mult/shift path). `runtimeWeights`: the
 * weights are a graph input, not a constant.
 */
function bandCase(op: BandOp, seed: number, wide: boolean, runtimeWeights = false): QNode {
  const r = rng(seed);
  const depthwise = op === "QDepthwiseConv2D3x3DspBand";
  // Depthwise: up to 18 channels, so groups of 4 and a C % 4 tail both occur.
  const c = randInt(r, 1, depthwise ? 18 : 13);
  const o = depthwise ? c : randInt(r, 1, 9);
  const oneByOne = op === "QConv2D1x1DspBand";
  const [kh, kw] = oneByOne ? [1, 1] : depthwise ? [3, 3] : [randInt(r, 1, 3), randInt(r, 1, 3)];
  const scales = wide
    ? { x_scale: 0.2, w_scale: Array.from({ length: o }, () => 0.05), y_scale: 0.005 }
    : { x_scale: randomScale(r, 0.005, 0.2), w_scale: Array.from({ length: o }, () => randomScale(r, 0.001, 0.05)), y_scale: randomScale(r, 0.01, 0.5) };
  return {
    op,
    inputs: [
      { value: randomInts("int8", [1, randInt(r, 5, 9), randInt(r, 5, 9), c], r) }, // no smaller than a dilated 3x3 window
      { value: randomInts("int8", depthwise ? [1, kh, kw, c] : [o, kh, kw, c], r, -127, 127), constant: !runtimeWeights },
      r() < 0.8 ? { value: randomInts("int32", [o], r), constant: true } : undefined,
    ],
    attrs: {
      ...scales, x_zero_point: randInt(r, -128, 127), y_zero_point: randInt(r, -128, 127),
      strides: [randInt(r, 1, 2), randInt(r, 1, 2)],
      dilations: oneByOne ? [1, 1] : [randInt(r, 1, 2), randInt(r, 1, 2)],
      pads: oneByOne ? [0, 0, 0, 0] : [randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1)],
      ...(depthwise ? { depth_multiplier: 1 } : {}),
    },
  };
}

const layer = (kind: LayerSpec["kind"], k: number, pad: boolean, channels: number, seed: number): LayerSpec => ({ kind, k, stride: 1, pad, channels, seed });
/** conv 3x3 (padded) -> depthwise 3x3 -> conv 1x1: the layers of a KWS block. */
const CHAIN = chainsGraph([{ h: 10, w: 7, c: 4, layers: [layer("conv", 3, true, 8, 11), layer("depthwise", 3, true, 2, 12), layer("conv", 1, false, 6, 13)] }]);

/** The chain as one patch node whose layers run as the Cortex-M DSP ops (`depthwise` the middle one's), in their band forms. */
function bandPatch(bandRows: number, cache: boolean, depthwise: "QDepthwiseConv2DDsp" | "QDepthwiseConv2D3x3Dsp"): Graph {
  const graph = patchGraph(CHAIN.graph, CHAIN.graph.nodes.map((n) => n.name), bandRows, cache);
  const dsp = ["QConv2DDsp", depthwise, "QConv2D1x1Dsp"];
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.op !== "QPatchBands") return n;
      const stages = decodeStages(n).map((s, i) => ({ ...s, op: bandFormOf(OPS, dsp[i]!) }));
      return { ...n, attrs: { ...n.attrs, stages: encodeStages(stages) } };
    }),
  };
}

describe("DSP convolution band forms", () => {
  it("are what the base ops stage inside patch bands, with the table's 16 B per channel less scratch", () => {
    expect(bandFormOf(OPS, "QConv2DDsp")).toBe("QConv2DDspBand");
    expect(bandFormOf(OPS, "QConv2D1x1Dsp")).toBe("QConv2D1x1DspBand");
    expect(bandFormOf(OPS, "QDepthwiseConv2D3x3Dsp")).toBe("QDepthwiseConv2D3x3DspBand");
    expect(OPS.get("QDepthwiseConv2D3x3DspBand")!.scratchBytes).toBeUndefined();
    expect(bandFormOf(OPS, "QConv2D")).toBe("QConv2D");
    const c = bandCase("QConv2DDspBand", 5, false);
    const { graph } = multiNodeGraph([c]);
    const node = graph.nodes[0]!;
    const inputs = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
    const outputs = OPS.get("QConv2DDspBand")!.infer(node, inputs);
    const o = outputs[0]!.shape[3]!;
    // The base op's GEMM scratch (a band is always a GEMM, even where the base op would run pixel-major).
    expect(OPS.get("QConv2DDspBand")!.scratchBytes!(node, inputs, outputs)).toBe(dspGemmScratch("QConv2DDsp", planConv(node, inputs, false)) - 16 * o);
  });

  it("equal QConv2D / QDepthwiseConv2D bit for bit, alone (table and mult/shift paths) and as layers of QPatchBands (host C, ASan/UBSan)", async () => {
    const cases: QNode[] = [];
    for (let s = 0; s < 10; s++) cases.push(bandCase("QConv2DDspBand", 300 + s, s === 0));
    for (let s = 0; s < 8; s++) cases.push(bandCase("QConv2D1x1DspBand", 400 + s, s === 0));
    for (let s = 0; s < 10; s++) cases.push(bandCase("QDepthwiseConv2D3x3DspBand", 500 + s, s === 0, s === 9));
    const generic = cases.map((c) => ({ ...c, op: c.op === "QDepthwiseConv2D3x3DspBand" ? "QDepthwiseConv2D" : "QConv2D" }));
    const single = multiNodeGraph([...cases, ...generic]);
    const patched = [bandPatch(2, false, "QDepthwiseConv2DDsp"), bandPatch(3, true, "QDepthwiseConv2D3x3Dsp"), bandPatch(1, false, "QDepthwiseConv2D3x3Dsp")];
    expect(patched.map((g) => g.nodes.length === 1 && decodeStages(g.nodes[0]!).map((s) => s.op).join())).toEqual([
      "QConv2DDspBand,QDepthwiseConv2DDspBand,QConv2D1x1DspBand",
      "QConv2DDspBand,QDepthwiseConv2D3x3DspBand,QConv2D1x1DspBand",
      "QConv2DDspBand,QDepthwiseConv2D3x3DspBand,QConv2D1x1DspBand",
    ]);
    // The 3x3 band form's flash operands are declared once however many bands call the layer.
    const bandsC = compile(patched[2]!).files.get("model.c") ?? "";
    expect(bandsC.match(/static const int32_t w_dw2a_[0-9a-f]+\[/g)).toHaveLength(1);
    expect(bandsC.match(/eg_qdepthwise3x3_i8_2a\(/g)!.length).toBeGreaterThan(3);
    // Both 3x3 kernels run among the single cases: the doubled-accumulator one, and the table one
    // where that requantization is not exact (case 0's real scale above 1/2).
    const singleModel = compile(single.graph).files.get("model.c") ?? "";
    expect(singleModel).toMatch(/eg_qdepthwise3x3_i8_2a\(/);
    expect(singleModel).toMatch(/eg_qdepthwise3x3_i8_dsp_tab\(/);
    const [singleC, ...patchedC] = await Promise.all([
      buildAndRunAsync(compile(single.graph).files, single.graph.outputs, single.feeds, { cflags: SANITIZE_CFLAGS }),
      ...patched.map((g) => buildAndRunAsync(compile(g).files, g.outputs, CHAIN.feeds, { cflags: SANITIZE_CFLAGS })),
    ]);
    const ref = runGraph(single.graph, single.feeds);
    cases.forEach((c, i) => {
      const band = Array.from(singleC![i]!.toNumbers());
      expect(band, `case ${i} ${c.op} ${JSON.stringify(c.attrs)} vs QConv2D's C`).toEqual(Array.from(singleC![i + cases.length]!.toNumbers()));
      expect(band, `case ${i} ${c.op} vs the evaluator`).toEqual(Array.from(ref[i]!.toNumbers()));
    });
    expect(new Set(singleC!.slice(0, cases.length).flatMap((t) => Array.from(t.toNumbers()))).size).toBeGreaterThan(100);
    const plain = Array.from(runGraph(CHAIN.graph, CHAIN.feeds)[0]!.toNumbers());
    for (const out of patchedC) expect(Array.from(out[0]!.toNumbers())).toEqual(plain);
  });

  it("qconv_i8_dsp_tab builds for Cortex-M4 with -Werror at -O0, -Os and -O2 and uses SMLAD there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egret-dsp-band-"));
    try {
      for (const level of ["-O0", "-Os", "-O2"]) {
        const objects = ["qconv_i8_dsp_tab", "qconv_i8_dsp", "qdsp_i8"].map((unit) => join(dir, `${unit}${level}.o`));
        for (const [i, unit] of ["qconv_i8_dsp_tab", "qconv_i8_dsp", "qdsp_i8"].entries()) {
          await execFileAsync("arm-none-eabi-gcc", [
            "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
            "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(RUNTIME_C_DIR, "kernels", `${unit}.c`), "-o", objects[i]!,
          ], { timeout: CHILD_TIMEOUT_MS });
        }
        const { stdout } = await execFileAsync("arm-none-eabi-objdump", ["-d", ...objects], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 });
        expect(stdout, level).toMatch(/<eg_qconv2d_1x1_i8_dsp_tab>:/);
        expect(/\bsmlad\b/.test(stdout), level).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
