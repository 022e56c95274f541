/**
 * Offsets of a kmodel plan's buffers in one pool (main memory: 8-byte aligned; KPU RAM: 64-byte
 * lines). A buffer lives from the node that first touches it to the last (graph inputs from before
 * the first node, outputs to after the last) and never shares a byte with a buffer live at the same
 * node. Two orders are tried and the smaller pool wins (ties: first use), so the result is never
 * larger than either alone:
 *   - by first use (each buffer takes the lowest gap left by the buffers already placed);
 *   - by size, largest first (TFLite's "greedy by size"): big buffers no longer land above a small
 *     short-lived one whose gap nothing can reuse. ulffd_landmark's main memory: by first use a
 *     38,400 B uint8 map under the first concat's inputs pushes the concat output to 499,200 B;
 *     by size the pool is 460,800 B, the sum of the three buffers live at that concat (its peak).
 * Both are deterministic (ties broken by buffer id). A buffer that is a view (a byte range of
 * another buffer, in-place-concat.ts) is not placed itself: its uses count as its parent's, and its
 * offset is the parent's plus its own.
 */
import type { Buffer, KmodelPlan } from "./plan-types.js";

/** A buffer stored inside another one, `offset` bytes from its start. */
export interface BufferView {
  readonly parent: Buffer;
  readonly offset: number;
}

export type BufferViews = ReadonlyMap<number, BufferView>;

/** The buffer that holds `b`'s bytes (itself when it is no view) and where in it. */
function rootOf(b: Buffer, views: BufferViews): BufferView {
  let at = { parent: b, offset: 0 };
  for (let v = views.get(b.id); v !== undefined; v = views.get(v.parent.id)) at = { parent: v.parent, offset: at.offset + v.offset };
  return at;
}

export interface Placement {
  readonly offsets: Map<number, number>;
  readonly size: number;
}

interface Lifetime {
  readonly buffer: Buffer;
  readonly from: number;
  readonly to: number;
}

/** The pool's buffers (views: their roots) with the node range each is live over. */
function lifetimes(plan: KmodelPlan, pool: Buffer["pool"], views: BufferViews): Lifetime[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (view: Buffer, at: number) => {
    const b = rootOf(view, views).parent;
    if (b.pool !== pool) return;
    if (!first.has(b.id)) first.set(b.id, at);
    last.set(b.id, Math.max(last.get(b.id) ?? at, at));
  };
  for (const input of plan.inputs) touch(input.buffer, -1);
  plan.nodes.forEach((n, i) => [...n.reads, ...n.writes].forEach((b) => touch(b, i)));
  for (const out of plan.outputs) touch(out, plan.nodes.length);
  return plan.buffers.filter((b) => first.has(b.id)).map((buffer) => ({ buffer, from: first.get(buffer.id)!, to: last.get(buffer.id)! }));
}

/** Places the buffers in the given order, each at the lowest aligned offset free over its lifetime. */
function placeInOrder(order: readonly Lifetime[], align: number): Placement {
  const placed: { start: number; end: number; from: number; to: number }[] = [];
  const offsets = new Map<number, number>();
  let size = 0;
  for (const { buffer, from, to } of order) {
    const clashing = placed.filter((p) => p.from <= to && from <= p.to).sort((x, y) => x.start - y.start);
    let start = 0;
    for (const c of clashing) {
      if (start + buffer.size <= c.start) break;
      start = Math.max(start, Math.ceil(c.end / align) * align);
    }
    placed.push({ start, end: start + buffer.size, from, to });
    offsets.set(buffer.id, start);
    size = Math.max(size, start + buffer.size);
  }
  return { offsets, size: Math.ceil(size / align) * align };
}

/** The smaller of the first-use and largest-first placements of `pool`'s buffers. */
export function placeBuffers(plan: KmodelPlan, pool: "main" | "kpu", align: number, views: BufferViews = new Map()): Placement {
  const all = lifetimes(plan, pool, views);
  const byFirstUse = [...all].sort((a, b) => a.from - b.from || b.buffer.size - a.buffer.size || a.buffer.id - b.buffer.id);
  const bySize = [...all].sort((a, b) => b.buffer.size - a.buffer.size || a.from - b.from || a.buffer.id - b.buffer.id);
  const firstUse = placeInOrder(byFirstUse, align);
  const largestFirst = placeInOrder(bySize, align);
  const best = largestFirst.size < firstUse.size ? largestFirst : firstUse;
  for (const b of plan.buffers) {
    const root = rootOf(b, views);
    const start = best.offsets.get(root.parent.id);
    if (root.parent !== b && start !== undefined) best.offsets.set(b.id, start + root.offset);
  }
  return best;
}
