import type { Graph, Node, ValueInfo } from "../ir/graph.js";
import { DTYPES } from "../ir/dtype.js";
import type { OpRegistry } from "../ir/registry.js";
import { numel } from "../ir/shape.js";
import { planArena, type ArenaPlan, type BufferRequest } from "./arena.js";
import { collectInPlacePairs, scheduleBound } from "./in-place-pairs.js";
import { planArenaInPlace } from "./in-place-arena.js";
import { verifyInPlacePlan, type InPlacePair } from "./in-place-plan.js";
import { findConcatViews } from "./concat-views.js";

/** Where a tensor's bytes live in the generated program. */
export type Storage =
  | { readonly kind: "input"; readonly index: number }
  | { readonly kind: "output"; readonly index: number; readonly offset?: number }
  | { readonly kind: "const" }
  | { readonly kind: "arena"; readonly offset: number };

export interface StoragePlan {
  /** Every tensor name, aliases resolved to their root's storage. */
  readonly storage: ReadonlyMap<string, Storage>;
  /** Arena offset of each node's scratch buffer, keyed by node name. */
  readonly scratch: ReadonlyMap<string, number>;
  /** The arena; its `lowerBound` is the layer-wise bound (every live buffer whole). */
  readonly arena: ArenaPlan;
  readonly requests: readonly BufferRequest[];
  /** In-place pairs whose bytes overlap in this plan (the output overwrites its input). */
  readonly inPlace: readonly InPlacePair[];
  /** The bound of this schedule: live bytes at the worst step, in-place pairs by their span. */
  readonly scheduleBound: number;
  /** Joins done in place (src/schedule/concat-views.ts): node names that emit no code. */
  readonly joinedInPlace: ReadonlySet<string>;
}

export interface StorageOptions {
  /** Let outputs overwrite inputs that die at their node (`OpDef.inPlace`); default true. */
  readonly inPlace?: boolean;
  /**
   * Let the producers of a contiguous join's inputs (`OpDef.contiguousJoin`, a Concat) write
   * straight into their slices of its output, so the join copies nothing (concat-views.ts);
   * default false.
   */
  readonly concatInPlace?: boolean;
}

export const ARENA_ALIGNMENT = 16;

export function byteSize(v: ValueInfo): number {
  return numel(v.shape) * DTYPES[v.dtype].bytes;
}

/**
 * A node whose only used output is input 0's bytes and so needs neither a buffer nor code. An
 * alias op whose output is a graph output, or that has other used outputs (Dropout's mask), is
 * emitted as code instead.
 */
export function isAliasNode(node: Node, graphOutputs: ReadonlySet<string>, ops: OpRegistry): boolean {
  return (
    ops.get(node.op)?.alias === true &&
    node.inputs[0] !== "" &&
    !graphOutputs.has(node.outputs[0]!) &&
    node.outputs.slice(1).every((o) => o === "")
  );
}

/**
 * Assigns storage: graph inputs and outputs live in the caller's buffers, weights in flash, and
 * everything else in one arena planned from liveness over the node order. Reshape-like nodes alias
 * their input (the root's lifetime grows to cover the alias's uses). Kernel scratch comes from the
 * ops' `scratchBytes`.
 */
export function planStorage(graph: Graph, ops: OpRegistry, options: StorageOptions = {}): StoragePlan {
  const scratchBytes = (node: Node): number => scratchBytesOf(graph, node, ops);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const storage = new Map<string, Storage>();
  const root = new Map<string, string>();
  graph.inputs.forEach((inp, index) => storage.set(inp.name, { kind: "input", index }));
  for (const name of graph.constants.keys()) storage.set(name, { kind: "const" });
  graph.outputs.forEach((o, index) => {
    if (!storage.has(o.name)) storage.set(o.name, { kind: "output", index });
  });

  const first = new Map<string, number>();
  const aliasSteps = new Set<number>();
  const last = new Map<string, number>();
  const rootOf = (name: string): string => root.get(name) ?? name;
  graph.nodes.forEach((node, step) => {
    for (const inp of node.inputs) if (inp !== "") last.set(rootOf(inp), step);
    if (isAliasNode(node, outputs, ops)) {
      root.set(node.outputs[0]!, rootOf(node.inputs[0]!));
      aliasSteps.add(step);
      return;
    }
    for (const out of node.outputs) {
      if (out === "" || storage.has(out)) continue;
      first.set(out, step);
      last.set(out, step);
    }
  });

  // Parts of joins done in place become views of the join's output, which lives from the first part on.
  const views = options.concatInPlace === true ? findConcatViews(graph, ops, { rootOf, first, last, bytes: (n) => byteSize(graph.values.get(n)!), isAliasStep: (s) => aliasSteps.has(s), isGraphOutput: (n) => storage.get(n)?.kind === "output" }, ARENA_ALIGNMENT) : [];
  const viewOf = new Map<string, { whole: string; offset: number }>();
  for (const v of views) {
    aliasSteps.add(v.step);
    for (const p of v.parts) viewOf.set(p.buffer, { whole: v.output, offset: p.offset });
    if (first.has(v.output)) first.set(v.output, Math.min(first.get(v.output)!, ...v.parts.map((p) => first.get(p.buffer)!)));
  }
  for (const part of viewOf.keys()) first.delete(part);

  const requests: BufferRequest[] = [];
  for (const [name, step] of first) {
    requests.push({ id: name, bytes: byteSize(graph.values.get(name)!), first: step, last: last.get(name)! });
  }
  graph.nodes.forEach((node, step) => {
    const bytes = scratchBytes(node);
    if (bytes > 0) requests.push({ id: `scratch:${node.name}`, bytes, first: step, last: step });
  });

  const pairs =
    options.inPlace === false
      ? []
      : collectInPlacePairs(graph, ops, { rootOf, lastUse: (b) => (first.has(b) ? last.get(b) : undefined), isAliasStep: (step) => aliasSteps.has(step) });
  const arena = chooseArena(requests, pairs);
  verifyInPlacePlan(requests, pairs, arena, ARENA_ALIGNMENT);
  for (const name of first.keys()) storage.set(name, { kind: "arena", offset: arena.offsets.get(name)! });
  const viewStorage = (buffer: string): Storage => {
    const view = viewOf.get(buffer);
    if (view === undefined) return storage.get(buffer)!;
    const whole = viewStorage(view.whole);
    if (whole.kind === "arena") return { kind: "arena", offset: whole.offset + view.offset };
    if (whole.kind !== "output") throw new Error(`storage plan: join output ${view.whole} is neither an arena buffer nor a graph output`);
    const offset = (whole.offset ?? 0) + view.offset;
    return offset === 0 ? { kind: "output", index: whole.index } : { kind: "output", index: whole.index, offset };
  };
  for (const part of viewOf.keys()) storage.set(part, viewStorage(part));
  for (const [alias, r] of root) storage.set(alias, storage.get(r)!);
  const scratch = new Map<string, number>();
  for (const node of graph.nodes) {
    const off = arena.offsets.get(`scratch:${node.name}`);
    if (off !== undefined) scratch.set(node.name, off);
  }
  const bytesOf = new Map(requests.map((r) => [r.id, r.bytes]));
  const overlapping = pairs.filter((p) => {
    const [o, i] = [arena.offsets.get(p.output)!, arena.offsets.get(p.input)!];
    return o < i + bytesOf.get(p.input)! && i < o + bytesOf.get(p.output)!;
  });
  return { storage, scratch, arena, requests, inPlace: overlapping, scheduleBound: scheduleBound(requests, pairs), joinedInPlace: new Set(views.map((v) => v.node)) };
}

/**
 * The plain greedy plan, or the in-place one when it is smaller (the plain plan's layer-wise
 * bound is kept as `lowerBound`).
 */
function chooseArena(requests: readonly BufferRequest[], pairs: readonly InPlacePair[]): ArenaPlan {
  const plain = planArena(requests, ARENA_ALIGNMENT);
  if (pairs.length === 0) return plain;
  const packed = planArenaInPlace(requests, pairs, ARENA_ALIGNMENT);
  return packed !== undefined && packed.size < plain.size ? { ...packed, lowerBound: plain.lowerBound } : plain;
}

/** The registry's scratch size of a node, with its tensors typed from the graph. */
export function scratchBytesOf(graph: Graph, node: Node, ops: OpRegistry): number {
  const op = ops.get(node.op);
  if (!op?.scratchBytes) return 0;
  const inputs = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
  // Unused outputs ("") have no type; kernels size scratch from used tensors only.
  const outputs = node.outputs.map((n): ValueInfo => graph.values.get(n) ?? { dtype: "float32", shape: [0] });
  return op.scratchBytes(node, inputs, outputs);
}
