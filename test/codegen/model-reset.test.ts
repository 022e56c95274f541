import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anomalyDetectionAutoencoder } from "../../bench/constructed-models.js";
import { compile, writeOutputDir } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { SANITIZE_CFLAGS } from "../support/c-run.js";
import { sharedOrSkip } from "../support/shared-skip.js";

/**
 * model.h's persistent-state contract (issue 15): STATE_BYTES counts the statics that recurrent ops
 * keep across runs, the reentrancy sentence appears only without state, and model_reset() starts a
 * new stream: run, run again (the state moved on), reset, run = the first run's output.
 */
const DRIVER = `#include <stdio.h>
#include <stdlib.h>
#include "model.h"
static unsigned char arena[MODEL_ARENA_SIZE + 16] __attribute__((aligned(16)));
int main(int argc, char **argv) {
  static unsigned char in[MODEL_INPUT_0_BYTES], out[3][MODEL_OUTPUT_0_BYTES];
  const void *inputs[1];
  void *outputs[1];
  FILE *f = fopen(argv[1], "rb");
  int k;
  size_t i;
  if (argc < 2 || f == NULL || fread(in, 1, sizeof in, f) != sizeof in) return 2;
  fclose(f);
  inputs[0] = in;
  for (k = 0; k < 3; k++) {
    if (k == 2) model_reset();
    outputs[0] = out[k];
    model_run(inputs, outputs, arena);
  }
  for (k = 0; k < 3; k++) {
    for (i = 0; i < sizeof out[k]; i++) printf("%d ", (int)out[k][i]);
    printf("\\n");
  }
  return 0;
}
`;

describe("model.h: persistent state and model_reset()", () => {
  it("keyword_scrambled (SVDF): 10,240 state bytes declared, not reentrant, reset restarts the stream", (ctx) => {
    const shared = sharedOrSkip(ctx, "the SVDF model_reset check (keyword_scrambled)");
    const full = importModelFile(join(shared, "models", "tflite", "tflm-models", "keyword_scrambled.tflite"));
    // Its softmax output saturates; the last SVDF's output shows the stream moving on.
    const svdf = full.nodes.filter((n) => n.op.includes("Svdf") || n.op.includes("SVDF")).at(-1)!;
    const graph = { ...full, outputs: [{ name: svdf.outputs[0]!, ...full.values.get(svdf.outputs[0]!)! }] };
    const files = compile(graph).files;
    const header = files.get("model.h")!;
    expect(header).toMatch(/#define MODEL_STATE_BYTES 10240u/);
    expect(header).not.toMatch(/reentrant given distinct arenas/);
    expect(header).toMatch(/NOT reentrant/);
    expect(header).toMatch(/#define MODEL_REENTRANT 0\b/);
    expect(header).toMatch(/void model_reset\(void\);/);
    const work = mkdtempSync(join(tmpdir(), "egret-reset-"));
    try {
      const dir = join(work, "out");
      writeOutputDir(dir, files);
      writeFileSync(join(dir, "driver.c"), DRIVER);
      const sources = [...files.keys()].filter((f) => f.endsWith(".c") && f !== "runner.c").map((f) => join(dir, f));
      execFileSync("cc", [...SANITIZE_CFLAGS.split(" "), "-I", dir, join(dir, "driver.c"), ...sources, "-lm", "-o", join(work, "driver")], { stdio: ["ignore", "pipe", "pipe"] });
      const input = join(shared, "golden", "keyword_scrambled", "input_0.bin");
      const [first, second, afterReset] = execFileSync(join(work, "driver"), [input], { encoding: "utf8" }).split("\n").map((l) => l.trim());
      expect(second, "the second run continues the stream").not.toBe(first);
      expect(afterReset, "model_reset() starts a new stream").toBe(first);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("a stateless model: STATE_BYTES 0, the reentrancy sentence, an empty model_reset", () => {
    const files = compile(anomalyDetectionAutoencoder()).files;
    expect(files.get("model.h")).toMatch(/#define MODEL_STATE_BYTES 0u/);
    expect(files.get("model.h")).toMatch(/reentrant given distinct arenas/);
    expect(files.get("model.h")).toMatch(/#define MODEL_REENTRANT 1\b/);
    expect(files.get("model.c")).toMatch(/void model_reset\(void\)\s*\{\s*\/\* No persistent state\. \*\/\s*\}/);
  });
});
