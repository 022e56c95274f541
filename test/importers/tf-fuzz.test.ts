import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EgretError } from "../../src/index.js";
import { importTfGraphDef } from "../../src/importers/tf/index.js";
import { sharedFor } from "../support/shared-skip.js";
import { constFloat, graphDef, ints, op, placeholder, str } from "./tf-graphdef.js";
import { mutate, mutation } from "./tf-mutation.js";

/** Importing must either succeed or fail with an EgretError, never crash with anything else. */
function importsOrFailsCleanly(bytes: Uint8Array, options = {}): boolean {
  try {
    importTfGraphDef(bytes, "mutated.pb", options);
    return true;
  } catch (e) {
    if (e instanceof EgretError) return true;
    throw e;
  }
}

describe("TensorFlow GraphDef importer on malformed files", () => {
  it("turns mutations of a small conv graph into EgretErrors (3000 cases)", () => {
    const bytes = graphDef([
      placeholder("x", [1, 4, 4, 2]),
      constFloat("w", [3, 3, 2, 2], new Array(36).fill(0.1)),
      op("Conv2D", "conv", ["x", "w"], { strides: ints([1, 1, 1, 1]), padding: str("SAME") }),
      op("MaxPool", "pool", ["conv"], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: str("VALID") }),
      op("Softmax", "out", ["pool"]),
    ]);
    fc.assert(fc.property(mutation(bytes.length), (m) => importsOrFailsCleanly(mutate(bytes, m))), { numRuns: 3000, seed: 8 });
  });

  const useShared = sharedFor("mutation tests on the corpus .pb files");
  for (const [file, input, dims] of [
    ["models/tf/kws-cnn-k210/mod.pb", "conv2d_1_input", [1, 128, 64, 1]],
    ["models/tf/mnist-cnn/mnist.pb", "inputs", [1, 28, 28, 1]],
  ] as const) {
    it(`turns mutations of ${file} into EgretErrors (600 cases)`, (ctx) => {
      const shared = useShared(ctx);
      const bytes = new Uint8Array(readFileSync(join(shared, file)));
      const options = { inputShapes: new Map([[input, [...dims]]]) };
      expect(importsOrFailsCleanly(bytes, options)).toBe(true);
      fc.assert(fc.property(mutation(bytes.length), (m) => importsOrFailsCleanly(mutate(bytes, m), options)), { numRuns: 600, seed: 8 });
    });
  }
});
