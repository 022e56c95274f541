import fc from "fast-check";

/** A byte-level mutation: overwrite, truncate, insert or delete a run. */
export const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat(length - 1), bytes: fc.constant(new Uint8Array(0)) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  );

export type Mutation = { kind: "set" | "cut" | "insert" | "delete"; at: number; bytes: Uint8Array };

export function mutate(original: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "set": {
      const out = new Uint8Array(original);
      out.set(m.bytes.subarray(0, original.length - m.at), m.at);
      return out;
    }
    case "cut": return original.slice(0, m.at);
    case "insert": return new Uint8Array([...original.subarray(0, m.at), ...m.bytes, ...original.subarray(m.at)]);
    case "delete": return new Uint8Array([...original.subarray(0, m.at), ...original.subarray(m.at + m.bytes.length)]);
  }
}
