import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EgretError } from "../../src/index.js";
import { decodeTflite, importTflite } from "../../src/importers/tflite/index.js";
import { sharedFor } from "../support/shared-skip.js";
import { applyFlatMutation, flatMutation } from "./tflite-mutation.js";

/** Importing must succeed or fail with an EgretError: never another exception, never a hang. */
function importsOrFailsCleanly(bytes: Uint8Array): boolean {
  try {
    importTflite(bytes, "mutated.tflite");
    return true;
  } catch (e) {
    if (e instanceof EgretError) return true;
    throw e;
  }
}

const useShared = sharedFor("TFLite mutation tests on the corpus .tflite files");

describe("TFLite importer on corrupted flatbuffers", () => {
  for (const [file, runs] of [
    ["tflm-examples/hello_world/hello_world_float.tflite", 3000],
    ["tflm-examples/hello_world/hello_world_int8.tflite", 1500],
    ["tflm-examples/network_tester/network_model.tflite", 1000],
    ["tflm-seanet/strided_slice/strided_slice0.tflite", 1000],
    ["tflm-seanet/conv/conv0.tflite", 1000],
    ["mlperf-tiny/kws/kws_ref_model.tflite", 1000],
    ["tflm-models/keyword_scrambled.tflite", 500],
    ["tflm-seanet/transpose_conv/transpose_conv0.tflite", 500],
  ] as const) {
    it(`turns ${runs} mutations of ${file} into EgretErrors`, (ctx) => {
      const shared = useShared(ctx);
      const bytes = new Uint8Array(readFileSync(join(shared, "models/tflite", file)));
      const started = Date.now();
      fc.assert(fc.property(flatMutation(bytes.length), (m) => importsOrFailsCleanly(applyFlatMutation(bytes, m))), { numRuns: runs, seed: 4 });
      // Bounded time: no mutation may make the importer loop or blow up (ms per case, generous).
      expect((Date.now() - started) / runs).toBeLessThan(50);
    });
  }

  it("names what is wrong in a truncated file, a bad root offset and a wrong buffer size", (ctx) => {
    const shared = useShared(ctx);
    const bytes = new Uint8Array(readFileSync(join(shared, "models/tflite/tflm-examples/hello_world/hello_world_float.tflite")));
    expect(() => importTflite(bytes.slice(0, 6), "t.tflite")).toThrow(/fewer than the 8-byte header/);
    expect(() => importTflite(bytes.slice(0, 200), "t.tflite")).toThrow(/outside the 200-byte file/);
    const badRoot = new Uint8Array(bytes);
    new DataView(badRoot.buffer).setUint32(0, bytes.length + 100, true);
    expect(() => importTflite(badRoot, "t.tflite")).toThrow(/Model \(vtable offset\).*outside the/);
    const misaligned = new Uint8Array(bytes);
    new DataView(misaligned.buffer).setUint32(0, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) + 1, true);
    expect(() => importTflite(misaligned, "t.tflite")).toThrow(/not 4-byte aligned/);
    // Shorten the data vector of the first weight buffer by one float: the tensor is named.
    const model = decodeTflite(bytes, "t.tflite");
    const weight = model.subgraphs[0]!.tensors.find((t) => (model.buffers[t.buffer]?.length ?? 0) > 4)!;
    const data = model.buffers[weight.buffer]!;
    const shortened = new Uint8Array(bytes);
    new DataView(shortened.buffer).setUint32(data.byteOffset - bytes.byteOffset - 4, data.length - 4, true);
    expect(() => importTflite(shortened, "t.tflite")).toThrow(new RegExp(`tensor "${weight.name.replace(/[/;]/g, ".")}": holds ${data.length - 4} bytes of data, but its shape`));
  });
});
