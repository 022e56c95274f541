/**
 * Every K210 model of the corpus (../shared/models/kmodel/source and tf/kws-cnn-k210) compiles with
 * `egret compile --target k210 --json` to a kmodel v4 that parses back with every KPU layer of the
 * program, and the JSON summary's kmodel figures are the file's. (Running them: k210-kmodel.test.ts
 * for iris and ulffd_landmark, k210-kmodel-coverage.test.ts for kws-cnn-k210, bench:k210 for
 * slim-320.) The CLI runs as an awaited child: slim-320 and ulffd take up to a minute each under
 * load, longer than vitest's worker may stay busy.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseKmodel } from "../../backends/k210/kmodel/index.js";
import { estimateKmodelLatency, NNCASE_SLIM_ESTIMATED_MS } from "../../backends/k210/latency.js";
import { egretMeasured } from "../support/measured-cli.js";
import { sharedFor } from "../support/shared-skip.js";

const KWS_SHAPE = ["--input-shape", "conv2d_1_input=1x128x64x1"];

/** [file under ../shared, extra CLI arguments, KPU layers the program has]. */
const MODELS: Array<[string, string[], number]> = [
  ["models/kmodel/source/iris.tflite", [], 0],
  ["models/kmodel/source/slim-320.caffemodel", [], 42],
  ["models/kmodel/source/ulffd_landmark.tflite", [], 43],
  ["models/tf/kws-cnn-k210/mod.h5", KWS_SHAPE, 4],
  ["models/tf/kws-cnn-k210/mod.pb", KWS_SHAPE, 4],
];

const work = mkdtempSync(join(tmpdir(), "egret-k210-corpus-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("every K210 model of the corpus compiles to a kmodel", () => {
  const useShared = sharedFor("k210 kmodels of the corpus's K210 models");

  MODELS.forEach(([file, args, kpuLayers], i) => {
    it(file, async (ctx) => {
      const shared = useShared(ctx);
      const out = join(work, String(i));
      const run = await egretMeasured("compile", join(shared, file), "--target", "k210", ...args, "--json", "-o", out);
      expect(run.code, run.err).toBe(0);
      const report = (JSON.parse(run.out) as { targetReport: Record<string, number> }).targetReport;
      const bytes = new Uint8Array(readFileSync(join(out, "model.kmodel")));
      const model = parseKmodel(bytes, "model.kmodel");
      expect(model.version).toBe(4);
      if (model.version !== 4) return;
      expect(report["kpuLayers"]).toBe(kpuLayers);
      expect(model.nodes.filter((n) => n.body.kpu !== undefined).length).toBe(kpuLayers);
      expect(report["kmodelKpuLayers"]).toBe(kpuLayers);
      expect(report["kmodelBytes"]).toBe(bytes.length);
      expect(report["kmodelMainRamBytes"]).toBe(model.mainMem);
      expect(report["kmodelEstimatedMs"]).toBe(Math.round(estimateKmodelLatency(model).totalMs * 1000) / 1000);
    });
  });

  it("the latency caveat's figure: the estimate of nncase's own slim-320 kmodel", (ctx) => {
    const shared = useShared(ctx);
    const nncase = parseKmodel(new Uint8Array(readFileSync(join(shared, "models/kmodel/v4/slim-320.kmodel"))), "slim-320.kmodel");
    if (nncase.version !== 4) throw new Error("v4 expected");
    expect(estimateKmodelLatency(nncase).totalMs.toFixed(1)).toBe(String(NNCASE_SLIM_ESTIMATED_MS));
  });
});
