import { compareStrings } from "../util/compare.js";

/**
 * Static arena planning: every buffer gets an offset in one arena so that buffers whose
 * lifetimes overlap never share bytes.
 */
export interface BufferRequest {
  readonly id: string;
  readonly bytes: number;
  /** First and last step (inclusive) at which the buffer holds a live value. */
  readonly first: number;
  readonly last: number;
}

export interface ArenaPlan {
  readonly offsets: ReadonlyMap<string, number>;
  /** Arena bytes (a multiple of the alignment). */
  readonly size: number;
  /** The most bytes live at any one step: no plan can be smaller. */
  readonly lowerBound: number;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function overlapsInTime(a: BufferRequest, b: BufferRequest): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Greedy by size (as in TFLite Micro's greedy planner): the largest buffers are placed first, each
 * at the lowest aligned offset that does not collide with an already placed, time-overlapping one.
 */
export function planArena(requests: readonly BufferRequest[], alignment = 16): ArenaPlan {
  const order = [...requests].sort((a, b) => b.bytes - a.bytes || a.first - b.first || compareStrings(a.id, b.id));
  const placed: { req: BufferRequest; offset: number }[] = [];
  const offsets = new Map<string, number>();
  let size = 0;
  for (const req of order) {
    const clashes = placed
      .filter((p) => overlapsInTime(p.req, req))
      .sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of clashes) {
      if (offset + req.bytes <= p.offset) break;
      offset = Math.max(offset, alignUp(p.offset + p.req.bytes, alignment));
    }
    placed.push({ req, offset });
    offsets.set(req.id, offset);
    size = Math.max(size, alignUp(offset + req.bytes, alignment));
  }
  return { offsets, size, lowerBound: lowerBound(requests) };
}

/** Largest sum of live bytes over all steps. */
export function lowerBound(requests: readonly BufferRequest[]): number {
  const events: [number, number][] = [];
  for (const r of requests) {
    events.push([r.first, r.bytes], [r.last + 1, -r.bytes]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let best = 0;
  for (const [, delta] of events) {
    live += delta;
    best = Math.max(best, live);
  }
  return best;
}

/** Throws if two time-overlapping buffers share a byte, or one lies outside the arena or misaligned. */
export function verifyPlan(requests: readonly BufferRequest[], plan: ArenaPlan, alignment = 16): void {
  for (const r of requests) {
    const o = plan.offsets.get(r.id);
    if (o === undefined) throw new Error(`arena plan: buffer ${r.id} has no offset`);
    if (o % alignment !== 0) throw new Error(`arena plan: buffer ${r.id} at ${o} is not ${alignment}-aligned`);
    if (o < 0 || o + r.bytes > plan.size) throw new Error(`arena plan: buffer ${r.id} [${o}, ${o + r.bytes}) exceeds the arena of ${plan.size} bytes`);
  }
  for (let i = 0; i < requests.length; i++) {
    for (let j = i + 1; j < requests.length; j++) {
      const a = requests[i]!;
      const b = requests[j]!;
      if (a.bytes === 0 || b.bytes === 0 || !overlapsInTime(a, b)) continue;
      const oa = plan.offsets.get(a.id)!;
      const ob = plan.offsets.get(b.id)!;
      if (oa < ob + b.bytes && ob < oa + a.bytes) {
        throw new Error(`arena plan: ${a.id} [${oa}, ${oa + a.bytes}) and ${b.id} [${ob}, ${ob + b.bytes}) are live together and overlap`);
      }
    }
  }
}
