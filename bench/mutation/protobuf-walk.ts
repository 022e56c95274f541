/**
 * Finds structure in a protobuf file without its schema, for structure-aware mutations: where the
 * top-level fields start (truncation points) and where varint values and length prefixes sit at
 * any depth (dims, counts, indices, sizes to replace with huge values). A length-delimited payload
 * is walked as a nested message when it parses as one exactly; otherwise it is treated as bytes.
 * Each landmark remembers the length prefixes that enclose it, so a value can be replaced by a
 * longer varint and the enclosing lengths fixed up: the file stays well-formed protobuf and the
 * reader meets the huge value itself rather than a framing error.
 */

/** A length prefix enclosing a landmark: where its varint sits and the payload length it holds. */
export interface Enclosing {
  readonly prefix: readonly [number, number];
  readonly length: number;
}

export interface Landmark {
  /** [start, end) of the varint. */
  readonly at: readonly [number, number];
  /** Outermost first. */
  readonly enclosing: readonly Enclosing[];
}

export interface ProtobufLandmarks {
  /** Offsets where a top-level field's tag begins, plus the file length. */
  readonly topLevelBoundaries: number[];
  /** Varint field values (wire type 0), at any depth. */
  readonly varintValues: Landmark[];
  /** Length prefixes of length-delimited fields, at any depth. */
  readonly lengthPrefixes: Landmark[];
}

const MAX_DEPTH = 8;
/** Enough landmarks to mutate from; bounds the walk on large files. */
const MAX_LANDMARKS = 20000;

function readVarint(bytes: Uint8Array, pos: number, end: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0, p = pos; shift < 64 && p < end; shift += 7, p++) {
    const b = bytes[p]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, p + 1];
  }
  return undefined;
}

/** Walks [start, end) as a message; records nothing and returns false unless it parses exactly. */
function walkMessage(bytes: Uint8Array, start: number, end: number, enclosing: Enclosing[], out: ProtobufLandmarks): boolean {
  const varints: Landmark[] = [];
  const lengths: Landmark[] = [];
  const nested: { payload: [number, number]; prefix: Enclosing }[] = [];
  const boundaries: number[] = [];
  let pos = start;
  while (pos < end) {
    const tag = readVarint(bytes, pos, end);
    if (tag === undefined || tag[0] < 8) return false;
    boundaries.push(pos);
    pos = tag[1];
    const wire = tag[0] % 8;
    if (wire === 0) {
      const v = readVarint(bytes, pos, end);
      if (v === undefined) return false;
      varints.push({ at: [pos, v[1]], enclosing });
      pos = v[1];
    } else if (wire === 2) {
      const len = readVarint(bytes, pos, end);
      if (len === undefined || len[1] + len[0] > end) return false;
      lengths.push({ at: [pos, len[1]], enclosing });
      nested.push({ payload: [len[1], len[1] + len[0]], prefix: { prefix: [pos, len[1]], length: len[0] } });
      pos = len[1] + len[0];
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else return false;
  }
  if (pos !== end) return false;
  if (enclosing.length === 0) out.topLevelBoundaries.push(...boundaries);
  out.varintValues.push(...varints);
  out.lengthPrefixes.push(...lengths);
  if (enclosing.length < MAX_DEPTH) {
    for (const n of nested) {
      if (out.varintValues.length + out.lengthPrefixes.length > MAX_LANDMARKS) break;
      if (n.payload[1] > n.payload[0]) walkMessage(bytes, n.payload[0], n.payload[1], [...enclosing, n.prefix], out);
    }
  }
  return true;
}

export function protobufLandmarks(bytes: Uint8Array): ProtobufLandmarks {
  const out: ProtobufLandmarks = { topLevelBoundaries: [], varintValues: [], lengthPrefixes: [] };
  walkMessage(bytes, 0, bytes.length, [], out);
  out.topLevelBoundaries.push(bytes.length);
  return out;
}

/** The minimal varint for `value` taken as unsigned 64-bit (negative numbers take 10 bytes, as in protobuf). */
export function encodeVarint(value: bigint): Uint8Array {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function splice(bytes: Uint8Array, [start, end]: readonly [number, number], insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - (end - start) + insert.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(insert, start);
  out.set(bytes.subarray(end), start + insert.length);
  return out;
}

/**
 * Replaces the varint at `landmark` with `value` and rewrites every enclosing length prefix,
 * innermost first: each enclosing prefix lies before the bytes changed so far, so its offsets
 * are still those the walk recorded.
 */
export function replaceVarint(bytes: Uint8Array, landmark: Landmark, value: bigint): Uint8Array {
  const encoded = encodeVarint(value);
  let out = splice(bytes, landmark.at, encoded);
  let growth = encoded.length - (landmark.at[1] - landmark.at[0]);
  for (let i = landmark.enclosing.length - 1; i >= 0; i--) {
    const e = landmark.enclosing[i]!;
    const prefix = encodeVarint(BigInt(e.length + growth));
    out = splice(out, e.prefix, prefix);
    growth += prefix.length - (e.prefix[1] - e.prefix[0]);
  }
  return out;
}
