/**
 * Concats in place: a concat whose output is its inputs' bytes one after another (outer size 1,
 * e.g. a channel concat of channels-first maps, or of flattened heads) needs no copy if each input
 * is written straight into its slice of the output. Each input becomes a view of the output
 * (placement.ts places the output once, live from the first input's producer on) and the concat
 * node is dropped. ulffd_landmark: its first concat (two dequantised maps, 153,600 + 76,800 B,
 * into a 230,400 B output) set the live peak; in place, the inputs are the output.
 *
 * A concat is done in place only when every input qualifies (otherwise it would copy a slice onto
 * itself, which nncase's runtime does not promise to handle): a main-memory float buffer, not a
 * graph input or output, read once by this concat, not already a view, and never written after it
 * (a later write would clobber the output). The result is bit-exact: the same bytes end up at the
 * output, without the copy. The writer keeps this plan only when its main memory is smaller: an
 * early input now holds the whole output live from its producer on, which can cost more elsewhere.
 */
import { fail } from "../../../src/errors.js";
import { V4_OPCODES } from "./opcodes.js";
import type { Buffer, KmodelPlan, PlannedNode } from "./plan-types.js";
import type { BufferView } from "./placement.js";

export interface InPlacePlan {
  readonly plan: KmodelPlan;
  readonly views: ReadonlyMap<number, BufferView>;
}

/** Whether `b` may become a slice of concat `at`'s output. */
function canBeSlice(plan: KmodelPlan, at: number, b: Buffer, views: ReadonlyMap<number, BufferView>): boolean {
  const concat = plan.nodes[at]!;
  const y = concat.writes[0]!;
  if (b.pool !== "main" || b.datatype !== y.datatype || views.has(b.id)) return false;
  if (plan.inputs.some((i) => i.buffer === b) || plan.outputs.includes(b)) return false;
  if (concat.reads.filter((r) => r === b).length !== 1) return false;
  return !plan.nodes.slice(at + 1).some((n) => n.writes.includes(b));
}

/** The plan with every qualifying concat done in place, or undefined when none qualifies. */
export function concatsInPlace(plan: KmodelPlan): InPlacePlan | undefined {
  const views = new Map<number, BufferView>();
  const dropped = new Set<PlannedNode>();
  plan.nodes.forEach((n, at) => {
    if (n.opcode !== V4_OPCODES.concat || n.appendsReads !== true || n.writes.length !== 1) return;
    const y = n.writes[0]!;
    if (y.pool !== "main" || !n.reads.every((b) => canBeSlice(plan, at, b, views))) return;
    let offset = 0;
    for (const b of n.reads) {
      views.set(b.id, { parent: y, offset });
      offset += b.size;
    }
    if (offset !== y.size) fail("internal", `kmodel concat ${n.from}`, `its inputs hold ${offset} bytes, its output ${y.size}: not an appending concat`);
    dropped.add(n);
  });
  if (dropped.size === 0) return undefined;
  return { plan: { ...plan, nodes: plan.nodes.filter((n) => !dropped.has(n)) }, views };
}
