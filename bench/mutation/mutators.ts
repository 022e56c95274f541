/**
 * Byte-level mutations of model files. Each mutation is a pure function of the original bytes and
 * the PRNG, and describes itself (kind and offsets) so a failing case reads as what was done.
 * Generic kinds apply to every binary format; protobuf formats add structure-aware huge varints
 * and lengths, fixed-layout formats (TFLite flatbuffers, kmodel, HDF5) add huge aligned words; both
 * nudge numbers by a little (off-by-one dims and indices reach deeper than garbage does).
 */
import { Prng } from "./prng.js";
import { protobufLandmarks, replaceVarint, type ProtobufLandmarks } from "./protobuf-walk.js";

export interface Mutated {
  readonly bytes: Uint8Array;
  readonly description: string;
}

export type BinaryLayout = "protobuf" | "aligned";

type Mutator = (original: Uint8Array, rng: Prng, landmarks: ProtobufLandmarks | undefined) => Mutated;

const SPECIAL_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
/** Values that break size arithmetic: sign boundaries, 2^32 wrap, allocation-sized, zero. */
const HUGE_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x10000000, 0x00100000, 0];
const HUGE_VARINTS = [2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 40n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n, -(2n ** 31n), 0n];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const truncateRandom: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  return { bytes: o.slice(0, at), description: `truncate at ${at} of ${o.length}` };
};

const truncateFraction: Mutator = (o, rng) => {
  const at = Math.max(1, Math.floor(o.length * rng.pick([0.5, 0.25, 0.75, 0.9, 0.99])) - rng.below(3));
  const end = rng.below(4) === 0 ? o.length - rng.between(1, 8) : at;
  return { bytes: o.slice(0, Math.max(0, end)), description: `truncate at ${Math.max(0, end)} of ${o.length}` };
};

const bitFlip: Mutator = (o, rng) => {
  const out = o.slice();
  const flips = rng.between(1, 4);
  const where: string[] = [];
  for (let i = 0; i < flips; i++) {
    const at = rng.below(o.length);
    const bit = rng.below(8);
    out[at] = out[at]! ^ (1 << bit);
    where.push(`${at}.${bit}`);
  }
  return { bytes: out, description: `bit flips at ${where.join(", ")}` };
};

const overwriteRandom: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  const bytes = rng.bytes(Math.min(rng.between(1, 8), o.length - at));
  const out = o.slice();
  out.set(bytes, at);
  return { bytes: out, description: `overwrite ${bytes.length} random bytes at ${at}` };
};

const overwriteSpecial: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  const value = rng.pick(SPECIAL_BYTES);
  const n = Math.min(rng.pick([1, 1, 2, 4]), o.length - at);
  const out = o.slice();
  out.fill(value, at, at + n);
  return { bytes: out, description: `overwrite ${n} bytes at ${at} with 0x${value.toString(16)}` };
};

const duplicateChunk: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  const n = Math.min(rng.between(1, 256), o.length - at);
  return { bytes: concat(o.subarray(0, at + n), o.subarray(at, at + n), o.subarray(at + n)), description: `duplicate ${n} bytes at ${at}` };
};

const deleteChunk: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  const n = Math.min(rng.between(1, 256), o.length - at);
  return { bytes: concat(o.subarray(0, at), o.subarray(at + n)), description: `delete ${n} bytes at ${at}` };
};

const insertRandom: Mutator = (o, rng) => {
  const at = rng.below(o.length);
  const bytes = rng.bytes(rng.between(1, 16));
  return { bytes: concat(o.subarray(0, at), bytes, o.subarray(at)), description: `insert ${bytes.length} random bytes at ${at}` };
};

/** Truncation at a top-level field boundary (or a byte either side), where decoders resync. */
const truncateAtField: Mutator = (o, rng, lm) => {
  const bounds = lm?.topLevelBoundaries ?? [o.length];
  const at = Math.min(o.length - 1, Math.max(1, rng.pick(bounds) + rng.between(-1, 2)));
  return { bytes: o.slice(0, at), description: `truncate at ${at} of ${o.length} (top-level field boundary)` };
};

const hugeVarint: Mutator = (o, rng, lm) => {
  const list = lm?.varintValues ?? [];
  if (list.length === 0) return overwriteSpecial(o, rng, lm);
  const target = rng.pick(list);
  const value = rng.pick(HUGE_VARINTS);
  return { bytes: replaceVarint(o, target, value), description: `varint at ${target.at[0]} (depth ${target.enclosing.length}) := ${value}` };
};

const hugeLength: Mutator = (o, rng, lm) => {
  const list = lm?.lengthPrefixes ?? [];
  if (list.length === 0) return overwriteSpecial(o, rng, lm);
  const target = rng.pick(list);
  const value = rng.pick([2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 28n, -1n, 0n]);
  return { bytes: replaceVarint(o, target, value), description: `length prefix at ${target.at[0]} (depth ${target.enclosing.length}) := ${value}` };
};

/** A 4-byte-aligned little-endian word replaced: offsets, counts, dims and sizes of fixed layouts. */
const hugeWord: Mutator = (o, rng) => {
  const at = 4 * rng.below(Math.floor(o.length / 4));
  const value = rng.below(3) === 0 ? (((o[at] ?? 0) | ((o[at + 1] ?? 0) << 8)) * 4096) >>> 0 : rng.pick(HUGE_U32);
  const out = o.slice();
  new DataView(out.buffer).setUint32(at, value, true);
  return { bytes: out, description: `u32 at ${at} := 0x${value.toString(16)}` };
};

/** A small change to a varint (±1, doubled, 255): dims, axes and indices that are off by a little. */
const nudgeVarint: Mutator = (o, rng, lm) => {
  const list = lm?.varintValues ?? [];
  if (list.length === 0) return bitFlip(o, rng, lm);
  const target = rng.pick(list);
  let old = 0n;
  for (let i = target.at[1] - 1; i >= target.at[0]; i--) old = (old << 7n) | BigInt(o[i]! & 0x7f);
  const value = rng.pick([old + 1n, old - 1n, old * 2n, 255n, 1n]);
  return { bytes: replaceVarint(o, target, value), description: `varint at ${target.at[0]} (depth ${target.enclosing.length}) ${old} := ${value}` };
};

/** A small change to an aligned u32 (±1, doubled, 255): counts, dims and offsets that are off by a little. */
const nudgeWord: Mutator = (o, rng) => {
  const at = 4 * rng.below(Math.floor(o.length / 4));
  const view = new DataView(o.buffer, o.byteOffset, o.byteLength);
  const old = view.getUint32(at, true);
  const value = rng.pick([old + 1, old - 1, old * 2, 255, 1]) >>> 0;
  const out = o.slice();
  new DataView(out.buffer).setUint32(at, value, true);
  return { bytes: out, description: `u32 at ${at} ${old} := ${value}` };
};

const truncateAligned: Mutator = (o, rng) => {
  const at = 4 * rng.below(Math.floor(o.length / 4));
  return { bytes: o.slice(0, at), description: `truncate at ${at} of ${o.length} (4-aligned)` };
};

const GENERIC: [string, Mutator][] = [
  ["truncate", truncateRandom], ["truncate", truncateFraction], ["bitflip", bitFlip], ["overwrite", overwriteRandom],
  ["overwrite", overwriteSpecial], ["duplicate", duplicateChunk], ["delete", deleteChunk], ["insert", insertRandom],
];
const PROTOBUF: [string, Mutator][] = [["truncate", truncateAtField], ["huge-varint", hugeVarint], ["huge-varint", hugeVarint], ["huge-length", hugeLength], ["nudge-varint", nudgeVarint], ["nudge-varint", nudgeVarint]];
const ALIGNED: [string, Mutator][] = [["truncate", truncateAligned], ["huge-word", hugeWord], ["huge-word", hugeWord], ["huge-word", hugeWord], ["nudge-word", nudgeWord], ["nudge-word", nudgeWord]];

/** Prepared once per base file: protobuf landmarks are costly on megabyte files. */
export class BinaryMutator {
  private readonly landmarks: ProtobufLandmarks | undefined;
  private readonly kinds: [string, Mutator][];

  constructor(private readonly original: Uint8Array, layout: BinaryLayout) {
    this.landmarks = layout === "protobuf" ? protobufLandmarks(original) : undefined;
    this.kinds = [...GENERIC, ...(layout === "protobuf" ? PROTOBUF : ALIGNED)];
  }

  mutate(rng: Prng): Mutated & { kind: string } {
    const [kind, fn] = rng.pick(this.kinds);
    return { kind, ...fn(this.original, rng, this.landmarks) };
  }
}
