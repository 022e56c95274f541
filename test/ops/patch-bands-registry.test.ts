import { describe, expect, it } from "vitest";
import { EgretError } from "../../src/errors.js";
import type { Node } from "../../src/ir/graph.js";
import { CORE_OP_REGISTRY } from "../../src/ir/ops/index.js";
import { QUANT_PATCH_OPS } from "../../src/ir/ops/quant/patch/patch-bands.js";
import { decodeStages, encodeStages } from "../../src/ir/ops/quant/patch/stages.js";
import { patchGraph } from "../support/patch-chains.js";
import { OPS } from "../support/toolchain.js";
import { chainsGraph, type LayerSpec } from "../schedule/in-place-chains.js";

/**
 * QPatchBands runs its layers by op name, and a layer may be a target's op (the Cortex-M DSP
 * twins): the registry it is in binds it (OpDef.bindRegistry), so the names resolve to the ops of
 * that compile, and a layer op the compile's targets lack is a clear error, not a crash.
 */
const layer = (kind: LayerSpec["kind"], k: number, stride: number, channels: number, seed: number): LayerSpec => ({ kind, k, stride, pad: k > 1, channels, seed });
const NETWORK = chainsGraph([{ h: 12, w: 12, c: 4, layers: [layer("conv", 3, 1, 8, 1), layer("depthwise", 3, 1, 1, 2)] }]);

/** The two layers as one patch node, its first stage's op renamed to `firstOp`, and the node's input types. */
function patchNode(firstOp: string): { node: Node; inputs: ReturnType<typeof NETWORK.graph.values.get>[] } {
  const graph = patchGraph(NETWORK.graph, NETWORK.graph.nodes.map((n) => n.name), 2);
  const patch = graph.nodes.find((n) => n.op === "QPatchBands")!;
  const stages = decodeStages(patch).map((s, i) => (i === 0 ? { ...s, op: firstOp } : s));
  const node = { ...patch, attrs: { ...patch.attrs, stages: encodeStages(stages) } };
  return { node, inputs: node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n))) };
}

describe("QPatchBands layers come from the registry it is in", () => {
  it("runs a target's DSP twin with the twin's own scratch", () => {
    expect(NETWORK.graph.nodes.map((n) => n.op)).toEqual(["QConv2D", "QDepthwiseConv2D"]);
    const op = OPS.get("QPatchBands")!;
    const generic = patchNode("QConv2D");
    const twin = patchNode("QConv2DDsp");
    const outputs = op.infer(generic.node, generic.inputs);
    expect(op.infer(twin.node, twin.inputs)).toEqual(outputs);
    const genericScratch = op.scratchBytes!(generic.node, generic.inputs, outputs);
    const twinScratch = op.scratchBytes!(twin.node, twin.inputs, outputs);
    console.log(`patch scratch: ${genericScratch} B with QConv2D, ${twinScratch} B with QConv2DDsp (its im2col rows)`);
    expect(twinScratch).toBeGreaterThan(genericScratch);
  });

  it("names a layer op the compile's targets do not have", () => {
    const twin = patchNode("QConv2DDsp");
    const run = () => CORE_OP_REGISTRY.get("QPatchBands")!.infer(twin.node, twin.inputs);
    expect(run).toThrow(EgretError);
    expect(run).toThrow(/layer's op QConv2DDsp is not an op of this compile's targets/);
  });

  it("is unusable before a registry binds it", () => {
    const generic = patchNode("QConv2D");
    expect(() => QUANT_PATCH_OPS[0]!.infer(generic.node, generic.inputs)).toThrow(/before OpRegistry.of bound it/);
  });
});
