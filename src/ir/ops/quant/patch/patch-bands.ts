import type { EmitCtx } from "../../../emit-ctx.js";
import { DTYPES } from "../../../dtype.js";
import type { Node, ValueInfo } from "../../../graph.js";
import type { OpDef, OpLookup, ProfileRow } from "../../../op.js";
import type { Tensor } from "../../../tensor.js";
import { poolAccumulator } from "./pool-accumulate.js";
import { BAND_IN, BAND_OUT, patchScratch, planPatch, rowBytes, type LayerCall, type PatchPlan } from "./plan.js";
import { layerOp } from "./stages.js";

/**
 * QPatchBands: a chain of integer window layers (conv, depthwise, pool) run over row bands of its
 * output, so that no intermediate tensor of the chain ever exists whole: each band computes the
 * rows of every layer it needs (the receptive field, recomputing the halo rows it shares with
 * its neighbours) in two small band buffers, and the last layer writes its rows of the output.
 * Semantics are the chain's (`evaluate` runs it layer by layer on whole tensors); the C calls
 * each layer's own kernel (generic or target-optimised) on the band's rows, which computes
 * bit-identical values (band-geometry.ts). Attributes: `stages` (stages.ts), `band_rows`.
 * Offered by the optimizer beside the layer-by-layer program (src/optimizer/patch-offer.ts).
 * The layers' ops (a target's DSP twins among them) are looked up in the registry the op is in:
 * the listed op is unbound and `OpRegistry.of` binds it (`bindRegistry`).
 */

function bandCtx(ctx: EmitCtx, call: LayerCall, inPtr: string, outPtr: string): EmitCtx {
  return {
    ...ctx,
    ptr: (name) => (name === BAND_IN ? inPtr : name === BAND_OUT ? outPtr : ctx.ptr(name)),
    info: (name): ValueInfo => (name === BAND_IN ? call.inputs[0]! : name === BAND_OUT ? call.output : ctx.info(name)),
  };
}

/** `count` elements past a typed pointer expression. */
function advance(ptr: string, count: number): string {
  return count === 0 ? ptr : `(${ptr} + ${count})`;
}

/**
 * The per-op profile's rows of a patch node: one per layer of its chain, covering that layer's
 * calls over every band (and the halo rows it moves down); a final global pool's row covers the
 * accumulation and the finish, priced as the pool over its whole input.
 */
function patchProfileRows(node: Node, plan: PatchPlan): ProfileRow[] {
  return plan.stages.map((stage, i): ProfileRow => {
    const pooled = plan.pool !== undefined && i === plan.stages.length - 1;
    const calls = pooled
      ? [{ node: stage, inputs: [plan.types[i]!], outputs: [plan.types[i + 1]!] }]
      : plan.bands.flatMap((band) => (band[i]!.call === undefined ? [] : [{ node: band[i]!.call!.node, inputs: band[i]!.call!.inputs, outputs: [band[i]!.call!.output] }]));
    const what = pooled ? "accumulated band by band" : `${calls.length} band calls`;
    return { node: { ...stage, name: `${node.name}/stage${i} (layer ${i + 1}/${plan.stages.length}, ${what})` }, calls };
  });
}

/** Statements of layer `row` of the chain, in that layer's profile row (EmitCtx.profileRow). */
function inRow(ctx: EmitCtx, row: number, emit: () => void): void {
  if (ctx.profileRow === undefined) emit();
  else ctx.profileRow(row, emit);
}

function emitBands(plan: PatchPlan, ops: OpLookup, input: string, output: string, ctx: EmitCtx): void {
  const scratch = patchScratch(plan, ops);
  const last = plan.bands[0]!.length - 1;
  const bytes = `((uint8_t *)${ctx.scratch()})`;
  const rowElements = (v: ValueInfo) => v.shape[2]! * v.shape[3]!;
  // Layer i's buffer (it holds rows held.start.. of the layer's output), `row` rows in.
  const buffer = (i: number, row: number) => {
    const v = plan.types[i + 1]!;
    return advance(`((${DTYPES[v.dtype].ctype} *)(${bytes} + ${scratch.bufferOffsets[i]}))`, row * rowElements(v));
  };
  const pool = plan.pool === undefined ? undefined : poolAccumulator(ctx, plan.pool, `((int32_t *)(${bytes} + ${scratch.poolOffset}))`);
  const poolRow = plan.stages.length - 1;
  if (pool !== undefined) inRow(ctx, poolRow, () => pool.start());
  plan.bands.forEach((band, b) => {
    const rows = band[last]!.held;
    ctx.line(`/* band ${b + 1}/${plan.bands.length}: rows ${rows.start}..${rows.end - 1} of ${pool === undefined ? "the output" : "the pooled tensor"} */`);
    band.forEach((layer, i) => {
      const call = layer.call;
      if (layer.kept === undefined && call === undefined) return;
      inRow(ctx, i, () => {
        if (layer.kept !== undefined) {
          const row = rowBytes(plan.types[i + 1]!);
          ctx.line(`memmove(${buffer(i, 0)}, ${buffer(i, layer.kept.shift)}, ${layer.kept.rows * row});`);
        }
        if (call === undefined) return;
        const inPtr = i === 0 ? advance(ctx.ptr(input), layer.rows.inStart * rowElements(plan.types[0]!)) : buffer(i - 1, layer.rows.inStart - band[i - 1]!.held.start);
        const outPtr = i === last && pool === undefined ? advance(ctx.ptr(output), layer.rows.outStart * rowElements(plan.types[last + 1]!)) : buffer(i, layer.rows.outStart - layer.held.start);
        layerOp(ops, call.node).emitC!(call.node, bandCtx(ctx, call, inPtr, outPtr));
      });
    });
    if (pool !== undefined && rows.end > rows.start) inRow(ctx, poolRow, () => pool.add(buffer(last, 0), (rows.end - rows.start) * plan.types[last + 1]!.shape[2]!));
  });
  if (pool !== undefined) inRow(ctx, poolRow, () => pool.end(ctx.ptr(output)));
}

/** QPatchBands over the ops of `ops`. */
function patchBandsOp(ops: OpLookup): OpDef {
  return {
    name: "QPatchBands",
    family: "quant",
    dataTypes: "int8, int16 (the layers' own types)",
    inputs: { min: 3, max: Number.MAX_SAFE_INTEGER },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      const plan = planPatch(node, inputs, ops);
      return [plan.types[plan.types.length - 1]!];
    },
    evaluate(node, inputs) {
      const plan = planPatch(node, inputs.map((t) => (t === undefined ? undefined : { dtype: t.dtype, shape: t.shape })), ops);
      const values = new Map<string, Tensor | undefined>(node.inputs.map((name, i) => [name, inputs[i]]));
      for (const stage of plan.stages) {
        const [out] = layerOp(ops, stage).evaluate(stage, stage.inputs.map((n) => (n === "" ? undefined : values.get(n))));
        values.set(stage.outputs[0]!, out);
      }
      return [values.get(node.outputs[0]!)!];
    },
    scratchBytes(node, inputs) {
      return patchScratch(planPatch(node, inputs, ops), ops).totalBytes;
    },
    profileRows(node, inputs) {
      return patchProfileRows(node, planPatch(node, inputs, ops));
    },
    emitC(node, ctx) {
      const plan = planPatch(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))), ops);
      emitBands(plan, ops, node.inputs[0]!, node.outputs[0]!, ctx);
    },
    macs(node, inputs) {
      // Every band's layers, halo rows included: the recomputation is part of the price.
      let macs = 0;
      for (const band of planPatch(node, inputs, ops).bands) for (const { call: c } of band) if (c !== undefined) macs += layerOp(ops, c.node).macs?.(c.node, c.inputs, [c.output]) ?? 0;
      return macs;
    },
    bindRegistry: patchBandsOp,
  };
}

/** Used outside a registry, the op has no layers to run: the registry binds it before any use. */
const UNBOUND: OpLookup = {
  get: (name) => {
    throw new Error(`internal: QPatchBands looked up layer op ${name} before OpRegistry.of bound it`);
  },
};

/** The op list of this family (src/ir/ops/quant/index.ts). */
export const QUANT_PATCH_OPS: readonly OpDef[] = [patchBandsOp(UNBOUND)];
