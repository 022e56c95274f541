import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lowerBound, planArena, verifyPlan, type BufferRequest } from "../../src/schedule/arena.js";

const requestsArb = fc
  .array(
    fc.record({
      bytes: fc.integer({ min: 0, max: 5000 }),
      first: fc.integer({ min: 0, max: 30 }),
      span: fc.integer({ min: 0, max: 10 }),
    }),
    { maxLength: 40 },
  )
  .map((rs) => rs.map((r, i): BufferRequest => ({ id: `b${i}`, bytes: r.bytes, first: r.first, last: r.first + r.span })));

describe("arena planner", () => {
  it("never overlaps two live buffers, stays aligned and is at least the lower bound", () => {
    fc.assert(
      fc.property(requestsArb, fc.constantFrom(1, 4, 16), (reqs, alignment) => {
        const plan = planArena(reqs, alignment);
        verifyPlan(reqs, plan, alignment);
        expect(plan.size).toBeGreaterThanOrEqual(plan.lowerBound);
        expect(plan.lowerBound).toBe(lowerBound(reqs));
      }),
      { numRuns: 500 },
    );
  });

  it("reuses memory of dead buffers (a chain needs only two live buffers)", () => {
    const chain: BufferRequest[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, bytes: 1024, first: i, last: i + 1 }));
    const plan = planArena(chain, 16);
    expect(plan.lowerBound).toBe(2048);
    expect(plan.size).toBe(2048);
  });

  it("the verifier catches an overlapping plan", () => {
    const reqs: BufferRequest[] = [
      { id: "a", bytes: 64, first: 0, last: 2 },
      { id: "b", bytes: 64, first: 1, last: 3 },
    ];
    const bad = { offsets: new Map([["a", 0], ["b", 32]]), size: 96, lowerBound: 128 };
    expect(() => verifyPlan(reqs, bad, 16)).toThrow(/live together and overlap/);
  });

  it("the lower bound counts the most bytes live at one step", () => {
    const reqs: BufferRequest[] = [
      { id: "a", bytes: 100, first: 0, last: 0 },
      { id: "b", bytes: 50, first: 0, last: 1 },
      { id: "c", bytes: 70, first: 1, last: 1 },
    ];
    expect(lowerBound(reqs)).toBe(150);
  });
});
