import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planArena, type BufferRequest } from "../../src/schedule/arena.js";
import { planArenaInPlace } from "../../src/schedule/in-place-arena.js";
import { pairSpan, scheduleBound } from "../../src/schedule/in-place-pairs.js";
import { verifyInPlacePlan, type InPlacePair } from "../../src/schedule/in-place-plan.js";

const req = (id: string, bytes: number, first: number, last: number): BufferRequest => ({ id, bytes, first, last });

/** Independent of the planner: every two buffers live at one step share no byte, unless pair-placed at the lag. */
function liveOverlaps(requests: readonly BufferRequest[], pairs: readonly InPlacePair[], offsets: ReadonlyMap<string, number>): string[] {
  const bad: string[] = [];
  const steps = Math.max(0, ...requests.map((r) => r.last + 1));
  for (let t = 0; t < steps; t++) {
    const live = requests.filter((r) => r.first <= t && t <= r.last && r.bytes > 0);
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const [a, b] = [live[i]!, live[j]!];
        const [oa, ob] = [offsets.get(a.id)!, offsets.get(b.id)!];
        if (oa + a.bytes <= ob || ob + b.bytes <= oa) continue;
        const ok = pairs.some((p) => (p.output === a.id && p.input === b.id && oa <= ob - p.lag) || (p.output === b.id && p.input === a.id && ob <= oa - p.lag));
        if (!ok) bad.push(`${a.id}@${oa} and ${b.id}@${ob} at step ${t}`);
      }
    }
  }
  return bad;
}

describe("planArenaInPlace", () => {
  it("fits a residual block in one tensor plus the overlap: the skip tensor, then conv -> conv -> add", () => {
    // ResNet-8's first block (16 KiB tensors): c0 lives until the add; c2 overwrites c1 544 bytes
    // behind its read front; the add overwrites c2 (lag 0).
    const requests = [req("c0", 16384, 0, 3), req("c1", 16384, 1, 2), req("c2", 16384, 2, 3), req("add", 16384, 3, 4)];
    const pairs: InPlacePair[] = [{ output: "c2", input: "c1", lag: 544 }, { output: "add", input: "c2", lag: 0 }, { output: "add", input: "c0", lag: 0 }];
    const plan = planArenaInPlace(requests, pairs, 16)!;
    expect(planArena(requests, 16).size).toBe(49152);
    expect(plan.size).toBe(16384 * 2 + 544);
    expect(scheduleBound(requests, pairs)).toBe(16384 * 2 + 544);
    expect(liveOverlaps(requests, pairs, plan.offsets)).toEqual([]);
  });

  it("gives up past its work limit (the caller keeps the plain plan)", () => {
    const requests = Array.from({ length: 40 }, (_, i) => req(`b${i}`, 64, 0, 10));
    expect(planArenaInPlace(requests, [{ output: "b1", input: "b0", lag: 0 }], 16, 100)).toBeUndefined();
  });

  it("random lifetimes and pairs: no two live values on one byte, and the arena is not below the schedule bound (up to alignment)", () => {
    const arb = fc.array(fc.record({ bytes: fc.integer({ min: 0, max: 200 }), first: fc.integer({ min: 0, max: 12 }), span: fc.integer({ min: 0, max: 4 }), lag: fc.integer({ min: -100, max: 120 }) }), { minLength: 1, maxLength: 14 });
    fc.assert(
      fc.property(arb, (raw) => {
        const requests = raw.map((r, i) => req(`b${i}`, r.bytes, r.first, r.first + r.span));
        // An output may overwrite a buffer that dies at the step it is born.
        const pairs: InPlacePair[] = [];
        raw.forEach((r, i) => {
          const input = requests.find((q) => q.last === requests[i]!.first && q.id !== requests[i]!.id);
          if (input !== undefined) pairs.push({ output: requests[i]!.id, input: input.id, lag: r.lag });
        });
        const plan = planArenaInPlace(requests, pairs, 16)!;
        verifyInPlacePlan(requests, pairs, plan, 16);
        expect(liveOverlaps(requests, pairs, plan.offsets)).toEqual([]);
        expect(plan.size).toBeGreaterThanOrEqual(scheduleBound(requests, pairs) - 16 * requests.length);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});

describe("pairSpan", () => {
  it("is the bytes from the lower start to the higher end at the tightest allowed placement", () => {
    expect(pairSpan(100, 100, 0)).toBe(100);
    expect(pairSpan(100, 200, 108)).toBe(208); // a 1x1 convolution doubling the channels
    expect(pairSpan(100, 25, -50)).toBe(100); // a strided output inside its input
    expect(pairSpan(100, 80, -50)).toBe(100); // placed at the input's start, it wastes nothing
  });
});
