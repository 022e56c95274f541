import { compareStrings } from "../util/compare.js";
import { alignUp, type ArenaPlan, type BufferRequest } from "./arena.js";
import { compatible, overlapsInTime, PairIndex, type InPlacePair } from "./in-place-plan.js";
import { placeUnits, type Member, type Unit, type WorkMeter } from "./place-units.js";

/**
 * Work cap of one in-place plan, in buffer-versus-buffer checks over all strategies: past it the
 * best plan so far is returned, or none and the caller keeps the plain plan (a count of work, so
 * the result never depends on the machine). Graphs of a few thousand buffers stay well inside it.
 */
export const IN_PLACE_PLAN_WORK = 50_000_000;

/**
 * The smallest of a few greedy packings that let in-place pairs overlap (src/schedule/
 * place-units.ts): single buffers largest first and in time order, and buffers glued along
 * their in-place pairs (the output exactly its lag below the input) into chains, or into
 * disjoint pairs only. Gluing keeps room for an output next to its input before other buffers
 * take it; chains drift down by their lags, so the unglued and pairwise variants stay in the
 * race. Offsets are shifted to start at 0. Undefined past `workLimit`.
 */
export function planArenaInPlace(requests: readonly BufferRequest[], pairs: readonly InPlacePair[], alignment: number, workLimit = IN_PLACE_PLAN_WORK): ArenaPlan | undefined {
  const index = new PairIndex(pairs);
  const meter: WorkMeter = { used: 0, limit: workLimit };
  const bySize = (a: BufferRequest, b: BufferRequest) => b.bytes - a.bytes || a.first - b.first || compareStrings(a.id, b.id);
  const singles = [...requests].sort(bySize).map((req): Unit => [{ req, rel: 0 }]);
  const inTime = [...requests].sort((a, b) => a.first - b.first || bySize(a, b)).map((req): Unit => [{ req, rel: 0 }]);
  const strategies: Array<() => Unit[] | undefined> = [() => singles, () => inTime, () => glue(requests, pairs, index, alignment, false, meter), () => glue(requests, pairs, index, alignment, true, meter)];
  let best: ArenaPlan | undefined;
  for (const strategy of strategies) {
    const units = strategy();
    if (units === undefined) return best;
    const line = placeUnits(units, index, alignment, meter);
    if (line === undefined) return best;
    const size = alignUp(line.hi - line.lo, alignment);
    if (best !== undefined && best.size <= size) continue;
    const offsets = new Map<string, number>();
    for (const [id, at] of line.offsets) offsets.set(id, at - line.lo);
    best = { offsets, size, lowerBound: 0 };
  }
  return best;
}

/**
 * Units from gluing pairs, largest saving first: the input goes at the output's offset plus its
 * lag (rounded up to the alignment). A pair is skipped when it would join a unit to itself or
 * make two members of the joined unit collide; with `pairwise`, also when either buffer is
 * already glued. Units are ordered by their largest member, then first use. Undefined once the
 * meter passes its limit.
 */
function glue(requests: readonly BufferRequest[], pairs: readonly InPlacePair[], index: PairIndex, alignment: number, pairwise: boolean, meter: WorkMeter): Unit[] | undefined {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const unitOf = new Map<string, Member[]>(requests.map((req) => [req.id, [{ req, rel: 0 }]]));
  const saving = (p: InPlacePair) => Math.min(byId.get(p.input)!.bytes, byId.get(p.output)!.bytes) - Math.max(p.lag, 0);
  const ordered = pairs.filter((p) => byId.has(p.input) && byId.has(p.output)).sort((a, b) => saving(b) - saving(a) || compareStrings(a.output, b.output) || compareStrings(a.input, b.input));
  for (const p of ordered) {
    const outUnit = unitOf.get(p.output)!;
    const inUnit = unitOf.get(p.input)!;
    if (outUnit === inUnit || (pairwise && (outUnit.length > 1 || inUnit.length > 1))) continue;
    const outRel = outUnit.find((m) => m.req.id === p.output)!.rel;
    const inRel = inUnit.find((m) => m.req.id === p.input)!.rel;
    const shift = outRel + alignUp(p.lag, alignment) - inRel;
    const moved = inUnit.map((m) => ({ req: m.req, rel: m.rel + shift }));
    meter.used += moved.length * outUnit.length;
    if (meter.used > meter.limit) return undefined;
    const clash = moved.some((a) => outUnit.some((b) => overlapsInTime(a.req, b.req) && !compatible(a.req, a.rel, b.req, b.rel, index)));
    if (clash) continue;
    const joined = [...outUnit, ...moved];
    for (const m of joined) unitOf.set(m.req.id, joined);
  }
  const units = [...new Set(unitOf.values())];
  const largest = (u: Unit) => Math.max(...u.map((m) => m.req.bytes));
  const first = (u: Unit) => Math.min(...u.map((m) => m.req.first));
  return units.sort((a, b) => largest(b) - largest(a) || first(a) - first(b) || compareStrings(a[0]!.req.id, b[0]!.req.id));
}
