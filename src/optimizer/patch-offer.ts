import type { ClassId, ENode } from "../egraph/enode.js";
import type { CostFunction } from "../egraph/extract.js";
import { EgretError } from "../errors.js";
import type { Node, ValueInfo } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { bytesOf } from "../ir/ops/quant/patch/plan.js";
import { bandFormOf, encodeStages, isPatchableOp, isPoolOp, stageAttrs, type StageSpec } from "../ir/ops/quant/patch/stages.js";
import { decodeAttrs, encodeAttrs } from "./attrs-codec.js";
import type { EncodedGraph } from "./encode.js";
import { irNodeOf } from "./ir-node.js";

/**
 * Patch-based execution offered by the e-graph: for every class computed by an integer window
 * layer (conv, depthwise, pool) whose input is again such a layer, QPatchBands nodes that compute
 * the same value from the chain's input, band by band (src/ir/ops/quant/patch/), are added to the
 * class beside the layer-by-layer program, for each chain depth and band height below, with halo
 * rows recomputed (two band buffers) or kept from band to band (one buffer per layer, no
 * recomputation). Each costs more than the plain chain (recomputed rows, more kernel calls), so
 * cost-only extraction never picks one; SRAM-budgeted selection (sram-select.ts) measures them.
 */

/** Chain depths offered (layers per patch chain). Deeper chains grow the halo. */
export const PATCH_DEPTHS: readonly number[] = [2, 3, 4, 5];
/** Output rows per band offered. */
export const PATCH_BAND_ROWS: readonly number[] = [1, 2, 4];
/** Offers whose recomputation exceeds this fraction of the chain's MACs are not made. */
export const PATCH_MAX_MAC_OVERHEAD = 1;

/**
 * Chains ending in a global pool (its whole input to one pixel) run band by band into per-channel
 * sums, so no tensor of the chain exists whole: they are offered up to this depth, with a larger
 * recomputation allowance (the budget decides whether it is worth it).
 */
export const PATCH_POOL_DEPTH = 12;
export const PATCH_POOL_MAX_MAC_OVERHEAD = 4;

/** A QPatchBands e-node added to a class, to find it again after rebuilds. */
export interface PatchOffer {
  readonly classId: ClassId;
  readonly attrs: string;
  /** MACs of the patched chain and of the same layers run once over whole tensors. */
  readonly macs: number;
  readonly plainMacs: number;
  readonly depth: number;
  readonly bandRows: number;
  /** Halo rows kept in per-layer buffers rather than recomputed. */
  readonly cache: boolean;
}

interface Layer {
  readonly node: ENode;
  readonly classId: ClassId;
}

/**
 * What the optimizer's work limits leave for offers: each offer adds one e-node and is one
 * application (a right-hand side built), as a rule's match is; `nodes` bounds the e-graph's
 * e-nodes, `applications` the offers. Counted, never timed: the offers made are the same first
 * ones on every machine.
 */
export interface OfferAllowance {
  readonly nodes: number;
  readonly applications: number;
}

export interface PatchOffers {
  readonly offers: PatchOffer[];
  /** Offers built (including those then dropped for their recomputation): the applications spent. */
  readonly built: number;
  /** The work limit that stopped the offers before every chain was offered, if one did. */
  readonly stoppedBy: "node-limit" | "application-limit" | undefined;
}

/**
 * Adds the QPatchBands alternatives to `encoded`'s e-graph (then rebuilds it), within `allowance`;
 * returns them. `ops` is the compile's registry (scratch and MAC counts of the layers and of QPatchBands).
 */
export function offerPatchedStages(encoded: EncodedGraph, cost: CostFunction, ops: OpRegistry, allowance: OfferAllowance): PatchOffers {
  const { egraph } = encoded;
  const offers: PatchOffer[] = [];
  // Per class, the cheapest layer kernel whose scratch memory is at most `cap`: a target's fast
  // kernels may need scratch that a tight budget cannot spare, and the chain's kernel scratch is
  // the largest of its layers'.
  const layerOf = (cls: ClassId, cap: number): Layer | undefined => {
    const id = egraph.find(cls);
    const nodes = egraph.getClass(id).nodes.filter((n) => isPatchableOp(n.op) && n.children.length >= 1 && scratchOf(encoded, ops, n, id) <= cap);
    nodes.sort((a, b) => cost(a, () => 0) - cost(b, () => 0));
    return nodes[0] === undefined ? undefined : { node: nodes[0], classId: id };
  };
  const chainTo = (end: ClassId, cap: number): Layer[] => {
    const chain: Layer[] = [];
    for (let layer = layerOf(end, cap); layer !== undefined && chain.length < PATCH_POOL_DEPTH; layer = layerOf(layer.node.children[0]!, cap)) chain.unshift(layer);
    return chain;
  };
  const chains = egraph.classIds().flatMap((end) => {
    const cheapest = chainTo(end, Infinity);
    // Also the chain whose kernels need less scratch than the largest scratch it uses (the next
    // size down only: each cap multiplies the candidates the budget must measure).
    const caps = [...new Set(cheapest.map((l) => scratchOf(encoded, ops, l.node, l.classId)))].sort((a, b) => b - a).slice(1, 2);
    return [cheapest, ...caps.map((cap) => chainTo(end, cap)).filter((c) => c.length === cheapest.length)];
  });
  let built = 0;
  let stoppedBy: PatchOffers["stoppedBy"];
  for (const { layers, pooled, bandRows, cache } of offerSpecs(encoded, chains)) {
    if (egraph.nodeCount >= allowance.nodes) stoppedBy = "node-limit";
    else if (built >= allowance.applications) stoppedBy = "application-limit";
    if (stoppedBy !== undefined) break;
    const offer = makeOffer(encoded, ops, layers, bandRows, cache);
    if (offer === undefined) continue;
    built++;
    if (offer.macs <= (1 + (pooled ? PATCH_POOL_MAX_MAC_OVERHEAD : PATCH_MAX_MAC_OVERHEAD)) * offer.plainMacs) offers.push(offer);
  }
  egraph.rebuild();
  return { offers: offers.map((o) => ({ ...o, classId: egraph.find(o.classId) })), built, stoppedBy };
}

/** Every (chain suffix, band height, halo mode) to offer, in a fixed order. */
function* offerSpecs(encoded: EncodedGraph, chains: readonly Layer[][]): Generator<{ layers: Layer[]; pooled: boolean; bandRows: number; cache: boolean }> {
  for (const chain of chains) {
    const pooled = chain.length > 0 && endsInGlobalPool(encoded, chain[chain.length - 1]!);
    // A pooled chain is also offered whole: only then does no tensor before the pool exist whole.
    const depths = new Set(pooled ? [...PATCH_DEPTHS, chain.length] : PATCH_DEPTHS);
    for (const depth of depths) {
      if (depth > chain.length) continue;
      const layers = chain.slice(chain.length - depth);
      if (!hidesPeak(encoded, layers)) continue;
      for (const bandRows of PATCH_BAND_ROWS) for (const cache of [false, true]) yield { layers, pooled, bandRows, cache };
    }
  }
}

/** Scratch bytes of a layer e-node's kernel (its band form's), from the e-graph's types. */
function scratchOf({ egraph, context }: EncodedGraph, ops: OpRegistry, node: ENode, cls: ClassId): number {
  const op = ops.get(bandFormOf(ops, node.op));
  if (op?.scratchBytes === undefined) return 0;
  const inputs = node.children.map((c) => egraph.data(c).types[0]);
  try {
    return op.scratchBytes(irNodeOf(node, context.table, inputs.map((t) => t !== undefined)), inputs, egraph.data(cls).types);
  } catch (e) {
    if (e instanceof EgretError) return Infinity;
    throw e;
  }
}

function endsInGlobalPool({ egraph }: EncodedGraph, layer: Layer): boolean {
  const out = egraph.data(layer.classId).types[0];
  return isPoolOp(layer.node.op) && out !== undefined && out.shape[1] === 1 && out.shape[2] === 1;
}

/**
 * Whether the chain's largest intermediate tensor is larger than its input and its output: only
 * then can running it in bands lower the peak (otherwise a whole tensor as large stays live).
 */
function hidesPeak({ egraph }: EncodedGraph, chain: readonly Layer[]): boolean {
  const bytes = (c: ClassId) => egraph.data(c).types.reduce((s, t) => s + bytesOf(t), 0);
  const inner = Math.max(...chain.slice(0, -1).map((l) => bytes(l.classId)));
  return inner > bytes(chain[0]!.node.children[0]!) && inner > bytes(chain[chain.length - 1]!.classId);
}

/** The patch node for one chain and band height, added and united with the chain's class; undefined when it does not apply. */
function makeOffer(encoded: EncodedGraph, ops: OpRegistry, chain: readonly Layer[], bandRows: number, cache: boolean): PatchOffer | undefined {
  const { egraph, context } = encoded;
  const stages: StageSpec[] = [];
  const children: ClassId[] = [chain[0]!.node.children[0]!];
  for (const layer of chain) {
    const attrs = stageAttrs({ name: "", op: layer.node.op, inputs: [], outputs: [], attrs: decodeAttrs(layer.node.attrs, context.table) });
    if (attrs === undefined) return undefined;
    stages.push({ op: bandFormOf(ops, layer.node.op), attrs, extraInputs: layer.node.children.length - 1 });
    children.push(...layer.node.children.slice(1));
  }
  const attrs = encodeAttrs({ stages: encodeStages(stages), band_rows: bandRows, ...(cache ? { halo: "cache" } : {}) }, context.table);
  const enode: ENode = { op: "QPatchBands", attrs, children };
  const typeOf = (c: ClassId): ValueInfo | undefined => (egraph.getClass(egraph.find(c)).nodes.some((n) => n.op === "None") ? undefined : egraph.data(c).types[0]);
  const inputs = children.map(typeOf);
  const node: Node = { name: "patch", op: "QPatchBands", inputs: children.map((c, i) => (inputs[i] === undefined ? "" : `in${i}`)), outputs: ["out"], attrs: decodeAttrs(attrs, context.table) };
  const patchMacs = ops.get("QPatchBands")?.macs;
  if (patchMacs === undefined) return undefined; // a registry without the op: nothing to offer
  let macs: number;
  try {
    macs = patchMacs(node, inputs, []);
  } catch (e) {
    if (e instanceof EgretError) return undefined; // not a chain the bands can run (batch > 1, too few rows...)
    throw e;
  }
  let plainMacs = 0;
  let at = 1;
  for (const [i, layer] of chain.entries()) {
    const extras = inputs.slice(at, at + stages[i]!.extraInputs);
    at += stages[i]!.extraInputs;
    const x = egraph.data(layer.node.children[0]!).types[0];
    const stageNode: Node = { name: "layer", op: layer.node.op, inputs: ["x", ...extras.map((t, k) => (t === undefined ? "" : `e${k}`))], outputs: ["y"], attrs: decodeAttrs(layer.node.attrs, context.table) };
    plainMacs += ops.get(layer.node.op)?.macs?.(stageNode, [x, ...extras], egraph.data(layer.classId).types) ?? 0;
  }
  const id = egraph.add(enode);
  egraph.union(id, chain[chain.length - 1]!.classId);
  return { classId: id, attrs, macs, plainMacs, depth: chain.length, bandRows, cache };
}
