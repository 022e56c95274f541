import type { ArenaPlan, BufferRequest } from "./arena.js";

/**
 * Arena planning with partial overlap: an output may share bytes with an input that dies at the
 * node producing it, as long as it starts at least `lag` bytes below that input (the kernel's
 * writes then stay behind its read front; src/schedule/overwrite-lag.ts).
 */
export interface InPlacePair {
  readonly output: string;
  readonly input: string;
  /** output offset <= input offset - lag makes the overlap safe. */
  readonly lag: number;
}

export function overlapsInTime(a: BufferRequest, b: BufferRequest): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The lag of the (output, input) pair a-b in either order, keyed for lookups. */
export class PairIndex {
  private readonly lags = new Map<string, number>();
  constructor(pairs: readonly InPlacePair[]) {
    for (const p of pairs) {
      const key = `${p.output}\u0000${p.input}`;
      this.lags.set(key, Math.max(this.lags.get(key) ?? -Infinity, p.lag));
    }
  }
  /** Lag when `output` may overlap `input`, else undefined. */
  lag(output: string, input: string): number | undefined {
    return this.lags.get(`${output}\u0000${input}`);
  }
}

/** Whether a at `oa` and b at `ob` may coexist: apart in time, apart in bytes, or a safe in-place pair. */
export function compatible(a: BufferRequest, oa: number, b: BufferRequest, ob: number, pairs: PairIndex): boolean {
  if (a.bytes === 0 || b.bytes === 0 || !overlapsInTime(a, b)) return true;
  if (oa + a.bytes <= ob || ob + b.bytes <= oa) return true;
  const ab = pairs.lag(a.id, b.id);
  if (ab !== undefined && oa <= ob - ab) return true;
  const ba = pairs.lag(b.id, a.id);
  return ba !== undefined && ob <= oa - ba;
}

/**
 * Throws if two time-overlapping buffers share a byte (unless they are an in-place pair placed at
 * its lag or lower), or a buffer lies outside the arena or is misaligned.
 */
export function verifyInPlacePlan(requests: readonly BufferRequest[], pairs: readonly InPlacePair[], plan: ArenaPlan, alignment: number): void {
  const index = new PairIndex(pairs);
  const offsetOf = (r: BufferRequest): number => {
    const o = plan.offsets.get(r.id);
    if (o === undefined) throw new Error(`arena plan: buffer ${r.id} has no offset`);
    return o;
  };
  for (const r of requests) {
    const o = offsetOf(r);
    if (o % alignment !== 0) throw new Error(`arena plan: buffer ${r.id} at ${o} is not ${alignment}-aligned`);
    if (o < 0 || o + r.bytes > plan.size) throw new Error(`arena plan: buffer ${r.id} [${o}, ${o + r.bytes}) exceeds the arena of ${plan.size} bytes`);
  }
  const byFirst = [...requests].sort((a, b) => a.first - b.first);
  for (let i = 0; i < byFirst.length; i++) {
    const a = byFirst[i]!;
    for (let j = i + 1; j < byFirst.length && byFirst[j]!.first <= a.last; j++) {
      const b = byFirst[j]!;
      if (!compatible(a, offsetOf(a), b, offsetOf(b), index)) {
        throw new Error(`arena plan: ${a.id} [${offsetOf(a)}, ${offsetOf(a) + a.bytes}) and ${b.id} [${offsetOf(b)}, ${offsetOf(b) + b.bytes}) are live together and overlap`);
      }
    }
  }
}
