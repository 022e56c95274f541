/**
 * A wall-clock safety net for the optimizer's searches. Results never depend on time: saturation
 * and extraction stop at work limits (iterations, e-nodes, rule applications, extraction steps),
 * so the same input gives the same program on any machine under any load. The net exists only to
 * abort, with an error, a search that runs far longer than its work limits should ever allow; it
 * must never pick a result, so `check` either returns or throws.
 */
export interface SafetyNet {
  /** Throws (an error naming the limit and how to raise it) once the wall-clock budget is spent. */
  readonly check: () => void;
}

/** No wall-clock limit at all (the library default: a pure function of its input). */
export const NO_SAFETY_NET: SafetyNet = { check: () => undefined };

/**
 * A net that calls `trip(elapsedMs)` (which must throw) on the first `check` after `limitMs`
 * milliseconds since this call. `now` is injectable so tests can trip it without waiting.
 */
export function wallClockSafetyNet(limitMs: number, trip: (elapsedMs: number) => never, now: () => number = () => performance.now()): SafetyNet {
  const start = now();
  return {
    check: () => {
      const elapsed = now() - start;
      if (elapsed > limitMs) trip(elapsed);
    },
  };
}
