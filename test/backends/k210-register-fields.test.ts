/**
 * K210 legality checks every KPU register field the layer encoder writes (K210-KPU.md §2.1), not
 * only the §1.4 map limits: W ≤ 512 and H ≤ 256 allow a 512×256 output map, whose
 * channel_byte_num (OW·OH − 1, 16 bits) does not fit. Such a conv must stay a CPU op chosen by
 * extraction, never reach the encoder and fail there ("value 77923 does not fit the 16-bit
 * unsigned field", issue 12).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activationPieces, quantizeKpuConv } from "../../backends/k210/kpu-quantize.js";
import { packLayerArgument } from "../../backends/k210/kpu-layer.js";
import { mapLines } from "../../backends/k210/kpu-ram.js";
import { kpuConvVerdict, layerRegisterFields, type KpuConvGeometry } from "../../backends/k210/legality.js";
import { KPU_CONV2D_CANDIDATE } from "../../backends/k210/ops/kpu-conv2d-candidate.js";
import { extractForK210 } from "../../backends/k210/extract.js";
import type { Node, ValueInfo } from "../../src/ir/graph.js";
import { compileGraph } from "../../src/index.js";
import { randomTensor, rng, singleNodeGraph } from "../support/graphs.js";

/** A 3×3, 8→8 channel NCHW conv with KPU padding on an H×W map, constant weights and bias. */
function wideConv(height: number, width: number) {
  return singleNodeGraph(
    "Conv",
    [{ value: randomTensor([1, 8, height, width], 1, 0, 1) }, { value: randomTensor([8, 8, 3, 3], 2), constant: true }, { value: randomTensor([8], 3), constant: true }],
    { pads: [1, 1, 1, 1] },
  );
}

function verdictOf(graph: ReturnType<typeof wideConv>["graph"]) {
  const conv = graph.nodes[0]!;
  return kpuConvVerdict(conv, graph.values.get(conv.inputs[0]!), graph.values.get(conv.inputs[1]!), graph.values.get(conv.outputs[0]!));
}

describe("k210 legality: register field ranges", () => {
  it("accepts a 256×256 output map (channel_byte_num 65535, the largest 16-bit value) and rejects 300×256 (76799)", () => {
    const fits = verdictOf(wideConv(256, 256).graph);
    expect(fits.ok).toBe(true);
    if (fits.ok) expect(layerRegisterFields(fits.geometry, { input: 0, weights: 0 }).channelByteNum).toBe(65535);
    const tooWide = verdictOf(wideConv(256, 300).graph);
    expect(tooWide).toEqual({ ok: false, reason: expect.stringMatching(/channelByteNum would hold 76799, outside its 16-bit range 0\.\.65535/) });
  });

  it("extraction keeps the unencodable conv on the CPU and the k210 compile succeeds; the encodable one goes to the KPU", () => {
    const wide = wideConv(256, 300);
    expect(extractForK210(wide.graph).nodes.map((n) => n.op)).toEqual(["Conv"]);
    const compiled = compileGraph(wide.graph, { target: "k210", calibration: [wide.feeds] });
    expect(compiled.graph.nodes.map((n) => n.op)).toEqual(["Conv"]);
    expect(compiled.files.get("model.c")).toContain("model_run");

    // Same conv, one column narrower than the field allows: legal, and extraction puts it on the KPU.
    const square = wideConv(256, 256);
    expect(extractForK210(square.graph).nodes.map((n) => n.op)).toEqual([KPU_CONV2D_CANDIDATE]);
  });

  it("every conv legality accepts quantises into a layer whose registers pack (property)", () => {
    let accepted = 0;
    let rejectedByFields = 0;
    const geometryArb = fc.record({
      c: fc.integer({ min: 1, max: 24 }),
      oc: fc.integer({ min: 1, max: 24 }),
      h: fc.integer({ min: 2, max: 300 }),
      w: fc.integer({ min: 2, max: 600 }),
      k: fc.constantFrom(1, 3),
      stride: fc.constantFrom(1, 2),
      depthwise: fc.boolean(),
      tfSame: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(geometryArb, ({ c, oc, h, w, k, stride, depthwise, tfSame, seed }) => {
        const outChannels = depthwise ? c : oc;
        const pad = (k - 1) / 2;
        // TF-SAME stride 2 pads only after (top/left 0); otherwise the KPU's symmetric padding.
        const pads = stride === 2 && tfSame ? [0, 0, 2 * pad, 2 * pad] : [pad, pad, pad, pad];
        const out = (size: number, before: number, after: number) => Math.floor((size + before + after - k) / stride) + 1;
        const node: Node = {
          name: "conv",
          op: "Conv",
          inputs: ["x", "w"],
          outputs: ["y"],
          attrs: { pads, strides: [stride, stride], ...(depthwise ? { group: c } : {}) },
        };
        const x: ValueInfo = { dtype: "float32", shape: [1, c, h, w] };
        const wt: ValueInfo = { dtype: "float32", shape: [outChannels, depthwise ? 1 : c, k, k] };
        const y: ValueInfo = { dtype: "float32", shape: [1, outChannels, out(h, pads[0]!, pads[2]!), out(w, pads[1]!, pads[3]!)] };
        const verdict = kpuConvVerdict(node, x, wt, y);
        if (!verdict.ok) {
          if (/register field/.test(verdict.reason)) rejectedByFields++;
          return;
        }
        accepted++;
        const g: KpuConvGeometry = verdict.geometry;
        const random = rng(seed);
        const weights = Float64Array.from({ length: outChannels * (depthwise ? 1 : c) * k * k }, () => random() * 2 - 1);
        const bias = Float64Array.from({ length: outChannels }, () => random() - 0.5);
        const q = quantizeKpuConv({ geometry: g, weightsOIHW: weights, bias, pieces: activationPieces("Relu", 0, 0) }, { min: -random() * 3, max: random() * 5 }, { min: 0, max: 1 + random() * 5 });
        // lower.ts places the input map at line 0 and the output right after it.
        const args = { ...q.layer.args, imageSrcAddr: 0, imageDstAddr: mapLines(g.inWidth, g.inHeight, g.inChannels) };
        expect(() => packLayerArgument(args)).not.toThrow();
      }),
      { numRuns: 400, seed: 12 },
    );
    expect(accepted).toBeGreaterThan(40);
    expect(rejectedByFields).toBeGreaterThan(5);
  });
});
