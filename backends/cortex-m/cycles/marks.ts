import { fail } from "../../../src/errors.js";

/** The totals egret-cycles recorded at one read of the counter (a window marker). */
export interface CycleMark {
  readonly instructions: number;
  readonly cycles: number;
}

/** What the plugin wrote at QEMU's exit: the options it ran with and its marks in run order. */
export interface CycleLog {
  readonly refill: number;
  readonly waitStates: number;
  readonly marks: readonly CycleMark[];
}

/** Parses the plugin's output file (`egret-cycles ...` then one `egret-mark K INSNS CYCLES` per mark). */
export function parseCycleLog(text: string, subject: string): CycleLog {
  const head = /^egret-cycles insns=\d+ cycles=\d+ marks=(\d+) refill=(\d+) wait=(\d+)$/m.exec(text);
  if (head === null) fail("internal", subject, `the cycle plugin wrote no egret-cycles line: ${text.slice(0, 200)}`);
  const marks: CycleMark[] = [];
  for (const m of text.matchAll(/^egret-mark (\d+) (\d+) (\d+)$/gm)) marks[Number(m[1])] = { instructions: Number(m[2]), cycles: Number(m[3]) };
  if (marks.length !== Number(head[1]) || marks.some((m) => m === undefined)) fail("internal", subject, `the cycle plugin announced ${head[1]} marks and wrote ${marks.length}`);
  return { refill: Number(head[2]), waitStates: Number(head[3]), marks };
}

/** Instructions and cycles of one inference, and per kernel call with a profiled build. */
export interface CycleWindows {
  readonly instructionsPerInference: number;
  readonly cyclesPerInference: number;
  /** Profiled build: per profile slot k (a call, or a patch chain's layer), averaged over the inferences. */
  readonly opInstructions?: number[];
  readonly opCycles?: number[];
}

/**
 * The runner's markers are its eg_mark calls (counter.h, runner.c): T0 before the first inference,
 * T1 after it, T2 after the last of N; a profiled build adds a BEGIN/END mark around every kernel call, so
 * the marks are T0, the first inference's pairs, T1, the other inferences' pairs, T2. One inference
 * is (T2 - T1) / (N - 1), as with the counter ticks (the first, with N = 1); a slot's figure is the
 * sum of the END - BEGIN of its calls over the N inferences, divided by N. `callSlots` gives the slot
 * of each call of an inference in run order (the runner's egret-op-call lines); without it call k is slot k.
 */
export function cycleWindows(log: CycleLog, inferences: number, subject: string, callSlots?: readonly number[]): CycleWindows {
  const pairs = log.marks.length - 3;
  if (pairs < 0 || pairs % (2 * inferences) !== 0) fail("internal", subject, `the cycle plugin recorded ${log.marks.length} marks, not 3 + 2 x kernel calls x ${inferences} inferences`);
  const calls = pairs / (2 * inferences);
  const t1 = 1 + 2 * calls;
  const at = (i: number) => log.marks[i]!;
  const span = (a: number, b: number, key: keyof CycleMark) => at(b)[key] - at(a)[key];
  const per = (key: keyof CycleMark) => (inferences === 1 ? span(0, t1, key) : span(t1, log.marks.length - 1, key) / (inferences - 1));
  const windows = { instructionsPerInference: per("instructions"), cyclesPerInference: per("cycles") };
  if (calls === 0) return windows;
  if (callSlots !== undefined && callSlots.length !== calls) fail("internal", subject, `the cycle plugin recorded ${calls} kernel calls per inference, the runner ${callSlots.length}`);
  const slotOf = (k: number) => callSlots?.[k] ?? k;
  const slots = callSlots === undefined ? calls : Math.max(...callSlots) + 1;
  const sums = (key: keyof CycleMark): number[] => {
    const out = new Array<number>(slots).fill(0);
    for (let n = 0; n < inferences; n++) {
      const base = n === 0 ? 1 : t1 + 1 + 2 * calls * (n - 1);
      for (let k = 0; k < calls; k++) out[slotOf(k)]! += span(base + 2 * k, base + 2 * k + 1, key);
    }
    return out.map((v) => v / inferences);
  };
  return { ...windows, opInstructions: sums("instructions"), opCycles: sums("cycles") };
}
