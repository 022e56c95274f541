import { alignUp, type BufferRequest } from "./arena.js";
import { compatible, overlapsInTime, type PairIndex } from "./in-place-plan.js";

/** A buffer of a unit, `rel` bytes (a multiple of the alignment) from the unit's anchor. */
export interface Member {
  readonly req: BufferRequest;
  readonly rel: number;
}

/** Buffers placed together at fixed distances (an in-place chain), or a single buffer. */
export type Unit = readonly Member[];

/** Counts buffer-versus-buffer checks against a cap shared by all strategies of one plan. */
export interface WorkMeter {
  used: number;
  readonly limit: number;
}

export interface LinePlacement {
  /** Offset of each buffer on the unbounded line (may be negative). */
  readonly offsets: Map<string, number>;
  readonly lo: number;
  readonly hi: number;
}

function alignDown(n: number, alignment: number): number {
  return Math.floor(n / alignment) * alignment;
}

/**
 * Places units in the given order on an unbounded line: each unit's anchor goes where the span
 * of everything placed grows least, among the aligned positions that put one of its members next
 * to a time-overlapping buffer already placed (just above or below it, or at an in-place lag);
 * ties prefer the lowest non-negative anchor, then the closest negative one. Undefined once the
 * meter passes its limit.
 */
export function placeUnits(units: readonly Unit[], index: PairIndex, alignment: number, meter: WorkMeter): LinePlacement | undefined {
  const placed: Member[] = [];
  const offsets = new Map<string, number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const unit of units) {
    const clashes = unit.map((m) => placed.filter((p) => m.req.bytes > 0 && p.req.bytes > 0 && overlapsInTime(p.req, m.req)));
    const candidates = new Set<number>([0]);
    unit.forEach((m, k) => {
      for (const p of clashes[k]!) {
        candidates.add(alignUp(p.rel + p.req.bytes, alignment) - m.rel);
        candidates.add(alignDown(p.rel - m.req.bytes, alignment) - m.rel);
        const asOutput = index.lag(m.req.id, p.req.id);
        if (asOutput !== undefined) candidates.add(alignDown(p.rel - asOutput, alignment) - m.rel);
        const asInput = index.lag(p.req.id, m.req.id);
        if (asInput !== undefined) candidates.add(alignUp(p.rel + asInput, alignment) - m.rel);
      }
    });
    meter.used += placed.length * unit.length + candidates.size * (clashes.reduce((s, c) => s + c.length, 0) + 1);
    if (meter.used > meter.limit) return undefined;
    const unitLo = Math.min(...unit.map((m) => m.rel));
    const unitHi = Math.max(...unit.map((m) => m.rel + m.req.bytes));
    let best: { anchor: number; extent: number } | undefined;
    for (const anchor of [...candidates].sort((a, b) => a - b)) {
      const fits = unit.every((m, k) => clashes[k]!.every((p) => compatible(m.req, anchor + m.rel, p.req, p.rel, index)));
      if (!fits) continue;
      const extent = Math.max(hi, anchor + unitHi) - Math.min(lo, anchor + unitLo);
      if (best === undefined || extent < best.extent || (extent === best.extent && better(anchor, best.anchor))) best = { anchor, extent };
    }
    // An anchor putting the unit above every clash always fits, so best is defined.
    const anchor = best!.anchor;
    for (const m of unit) {
      placed.push({ req: m.req, rel: anchor + m.rel });
      offsets.set(m.req.id, anchor + m.rel);
    }
    lo = Math.min(lo, anchor + unitLo);
    hi = Math.max(hi, anchor + unitHi);
  }
  return { offsets, lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0 };
}

/** Tie-break: non-negative anchors first, lowest first; then negative ones, closest to 0 first. */
function better(a: number, b: number): boolean {
  if (a >= 0 !== b >= 0) return a >= 0;
  return a >= 0 ? a < b : a > b;
}
