import type { DagTable } from "./dag-table.js";

/** Largest class count for which must-sets are computed (they take classes² bits). */
export const MUST_SET_CLASS_LIMIT = 4_000;

/**
 * Must-sets: for each class c, a set of classes that every program computing c contains (as
 * bitsets, `words` 32-bit words per class). They turn branch and bound's lower bound from "the
 * open classes" into "everything the open classes will certainly need", which is what lets it
 * prune near the roots of deep models.
 *
 * Soundness: with M(c) = {c} ∪ ⋂_{candidate n} ⋃_{child k of n} M(k), any iterate starting from
 * M(c) = {c} is contained in the true must-set (a program for c uses some candidate n and
 * contains a program for each of n's children, hence each M(k)). Iterating to a fixpoint only
 * tightens it; the pass cap only loosens it, never making it wrong.
 */
export interface MustSets {
  readonly words: number;
  readonly bits: Uint32Array;
}

export function computeMustSets(table: DagTable, candidates: ReadonlyArray<readonly number[]>, order: readonly number[], maxPasses = 8): MustSets | undefined {
  const count = table.ids.length;
  if (count > MUST_SET_CLASS_LIMIT) return undefined;
  const words = Math.ceil(count / 32);
  const bits = new Uint32Array(count * words);
  for (let cls = 0; cls < count; cls++) bits[cls * words + (cls >>> 5)]! |= 1 << (cls & 31);
  const meet = new Uint32Array(words);
  const join = new Uint32Array(words);
  for (let pass = 0, changed = true; changed && pass < maxPasses; pass++) {
    changed = false;
    for (const cls of order) {
      const picks = candidates[cls]!;
      if (picks.length === 0) continue;
      meet.fill(0xffffffff);
      for (const pick of picks) {
        join.fill(0);
        for (const child of table.nodes[cls]![pick]!.children) {
          const base = child * words;
          for (let w = 0; w < words; w++) join[w]! |= bits[base + w]!;
        }
        for (let w = 0; w < words; w++) meet[w]! &= join[w]!;
      }
      const base = cls * words;
      for (let w = 0; w < words; w++) {
        const next = (bits[base + w]! | meet[w]!) >>> 0;
        if (next !== bits[base + w]) {
          bits[base + w] = next;
          changed = true;
        }
      }
    }
  }
  return { words, bits };
}
