import fc from "fast-check";

/**
 * Flatbuffer-shaped corruptions of a model file: truncation, bit flips, overwritten byte runs,
 * and u32 words (offsets, lengths, vtable entries) replaced at aligned positions by values near
 * the original, small, or huge.
 */
export type FlatMutation =
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "bytes"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "word"; readonly at: number; readonly value: number }
  | { readonly kind: "nudge"; readonly at: number; readonly delta: number };

export function flatMutation(length: number): fc.Arbitrary<FlatMutation> {
  const at = fc.nat(length - 1);
  const word = fc.nat(Math.max(0, Math.floor(length / 4) - 1)).map((w) => 4 * w);
  return fc.oneof(
    fc.record({ kind: fc.constant("truncate" as const), at }),
    fc.record({ kind: fc.constant("flip" as const), at, bit: fc.nat(7) }),
    fc.record({ kind: fc.constant("bytes" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("word" as const), at: word, value: fc.oneof(fc.nat(64), fc.nat(length + 64), fc.constant(0xffffffff), fc.nat(0xffffffff)) }),
    fc.record({ kind: fc.constant("nudge" as const), at: word, delta: fc.integer({ min: -16, max: 16 }) }),
  );
}

export function applyFlatMutation(original: Uint8Array, m: FlatMutation): Uint8Array {
  if (m.kind === "truncate") return original.slice(0, m.at);
  const out = new Uint8Array(original);
  const view = new DataView(out.buffer);
  switch (m.kind) {
    case "flip":
      out[m.at] = out[m.at]! ^ (1 << m.bit);
      break;
    case "bytes":
      out.set(m.bytes.subarray(0, out.length - m.at), m.at);
      break;
    case "word":
      if (m.at + 4 <= out.length) view.setUint32(m.at, m.value >>> 0, true);
      break;
    case "nudge":
      if (m.at + 4 <= out.length) view.setUint32(m.at, (view.getUint32(m.at, true) + m.delta) >>> 0, true);
      break;
  }
  return out;
}
