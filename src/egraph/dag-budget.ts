import { NO_SAFETY_NET, type SafetyNet } from "./safety-net.js";

/**
 * The work limit of the DAG searches (local search, branch and bound), in steps: one step is one
 * elementary visit (a class popped by a reachability walk or a cost-change walk, a class of a
 * lower-bound computation, a class whose height is recomputed, one branch-and-bound node). Steps
 * grow with the work done, so a step limit bounds time on any machine without depending on it:
 * the same e-graph always stops at the same step, with the same program.
 */
export class StepBudget {
  private spent = 0;
  private charges = 0;

  constructor(
    readonly limit: number,
    private readonly safetyNet: SafetyNet = NO_SAFETY_NET,
  ) {}

  /** Adds `steps`; false once more than `limit` steps have been spent (the caller stops searching). */
  charge(steps: number): boolean {
    this.spent += steps;
    // The wall-clock net only ever throws; checking it on every 256th charge keeps it cheap.
    if ((++this.charges & 255) === 0) this.safetyNet.check();
    return this.spent <= this.limit;
  }

  get used(): number {
    return this.spent;
  }

  get exhausted(): boolean {
    return this.spent > this.limit;
  }
}
