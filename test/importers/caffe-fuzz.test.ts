import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EgretError } from "../../src/index.js";
import { readCaffeModel } from "../../src/importers/caffe/index.js";
import { buildGraph } from "../../src/ir/build.js";
import { sharedForListing } from "../support/shared-skip.js";

/**
 * Malformed Caffe files (random byte and text mutations of the corpus files) must give an
 * EgretError or a graph, never another exception (a crash). Run through graph building too, since
 * a mutated file can decode into a net whose shapes the core refuses.
 */
const NEEDS_SHARED = "the Caffe mutation tests on the corpus files";

function importsOrRefuses(bytes: Uint8Array, prototxt?: string): void {
  try {
    buildGraph(readCaffeModel(bytes, "mutant.caffemodel", prototxt === undefined ? undefined : { text: prototxt, name: "mutant.prototxt" }).raw);
  } catch (e) {
    if (!(e instanceof EgretError)) throw e;
  }
}

/** Overwrites, deletions and truncations at random offsets. */
const byteMutation = (length: number) =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("set" as const), at: fc.nat(length - 1), value: fc.nat(255) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat(length - 1), count: fc.integer({ min: 1, max: 64 }) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(length - 1), count: fc.constant(0) }),
    ),
    { minLength: 1, maxLength: 4 },
  );

function mutate(bytes: Uint8Array, steps: readonly { kind: "set" | "cut" | "truncate"; at: number; value?: number; count?: number }[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const s of steps) {
    const at = Math.min(s.at, Math.max(out.length - 1, 0));
    if (s.kind === "set" && out.length > 0) out[at] = s.value!;
    else if (s.kind === "cut") out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + s.count!)]);
    else if (s.kind === "truncate") out = out.slice(0, at);
  }
  return out;
}

describe("Caffe importer on mutated corpus files", () => {
  const shared = sharedForListing(NEEDS_SHARED);
  if (shared === undefined) return;
  const dir = join(shared, "models", "caffe");
  const resnet = new Uint8Array(readFileSync(join(dir, "resnet50-head", "test.caffemodel")));
  const resnetPrototxt = readFileSync(join(dir, "resnet50-head", "test.prototxt"), "utf8");
  const ultraPrototxt = readFileSync(join(dir, "ultraface-slim-320", "slim-320.prototxt"), "utf8");

  it("binary .caffemodel mutations (embedded net) never crash", () => {
    fc.assert(fc.property(byteMutation(resnet.length), (steps) => importsOrRefuses(mutate(resnet, steps))), { numRuns: 1500, seed: 8 });
  });

  it("prototxt text mutations never crash", () => {
    // The ResNet head's prototxt with its weights reaches the layer converters; UltraFace's (no
    // weights) mostly exercises the text reader.
    const text = fc.constantFrom(resnetPrototxt, ultraPrototxt);
    const edit = fc.record({ at: fc.nat(20_000), cut: fc.nat(12), insert: fc.constantFrom("", "{", "}", ":", "-1", "0", "\"", "#", "layer {", "dim: -7", "axis: 9", "kernel_size: 0", "stride: 0", "group: 3", "pool: AVE", "99999999999", "1e40", "[", "]") });
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 3 }), (source, edits) => {
        let t = source;
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.insert + t.slice(at + e.cut);
        }
        importsOrRefuses(source === resnetPrototxt ? resnet : new Uint8Array(0), t);
      }),
      { numRuns: 1500, seed: 8 },
    );
  });
});
