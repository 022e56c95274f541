import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tflmArenaFor } from "../../src/importers/tflite/tflm-arena.js";
import { sharedFor } from "../support/shared-skip.js";

/** `tflmArenaFor`: TFLite Micro's arena bytes for a .tflite, read from ../shared/golden/<model>/meta.txt. */
const useShared = sharedFor("TFLM arena lookups of the real golden records (kws_ref_model, person_detect, ...)");

const work = mkdtempSync(join(tmpdir(), "egret-tflm-arena-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A miniature shared tree: shared/golden/<model>/meta.txt and shared/models/<sub>/<model>.tflite. */
function fakeShared(root: string, model: string, meta: string | undefined): string {
  const modelDir = join(root, "shared", "models", "tflite", "deep");
  mkdirSync(modelDir, { recursive: true });
  if (meta !== undefined) {
    mkdirSync(join(root, "shared", "golden", model), { recursive: true });
    writeFileSync(join(root, "shared", "golden", model, "meta.txt"), meta);
  }
  const file = join(modelDir, `${model}.tflite`);
  writeFileSync(file, "");
  return file;
}

describe("tflmArenaFor", () => {
  it("reads arena_used_bytes of the golden folder named after the model, found by walking up", () => {
    const file = fakeShared(join(work, "a"), "tiny_net", "arena_used_bytes=4242\ninput[0]: type=INT8\n");
    expect(tflmArenaFor(file)).toBe(4242);
  });

  it("is undefined without a golden record, without the arena line, or for non-.tflite files", () => {
    expect(tflmArenaFor(fakeShared(join(work, "b"), "no_golden", undefined))).toBeUndefined();
    expect(tflmArenaFor(fakeShared(join(work, "c"), "no_line", "invokes=1\n"))).toBeUndefined();
    const onnx = join(work, "a", "shared", "models", "tflite", "deep", "tiny_net.onnx");
    writeFileSync(onnx, "");
    expect(tflmArenaFor(onnx)).toBeUndefined();
  });

  it("gives the TFLM arena of the real golden models", (ctx) => {
    const shared = useShared(ctx);
    expect(tflmArenaFor(join(shared, "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite"))).toBe(24000);
    expect(tflmArenaFor(join(shared, "models/tflite/tflm-models/person_detect.tflite"))).toBe(85024);
    expect(tflmArenaFor(join(shared, "models/tflite/mlperf-tiny/ic/pretrainedResnet_quant.tflite"))).toBe(55712);
    expect(tflmArenaFor(join(shared, "models/tflite/tflm-examples/hello_world/hello_world_int8.tflite"))).toBeUndefined();
  });
});
