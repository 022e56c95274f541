/**
 * Every K210 model of the corpus (../shared/models/kmodel/source and tf/kws-cnn-k210) compiles for
 * the k210 target to a kmodel v4 that parses back with every KPU layer of the program and whose
 * figures the compile summary reports. (Running them: k210-kmodel.test.ts for iris and
 * ulffd_landmark, k210-kmodel-coverage.test.ts for kws-cnn-k210, bench:k210 for slim-320.)
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { seededRandomInputs } from "../../backends/k210/calibrate.js";
import { parseKmodel } from "../../backends/k210/kmodel/index.js";
import { compile, importModelFile } from "../../src/index.js";
import { kerasReady } from "../../src/importers/keras/index.js";
import { sharedFor } from "../support/shared-skip.js";

const KWS_SHAPE = new Map([["conv2d_1_input", [1, 128, 64, 1]]]);

/** [file under ../shared, static input shapes, KPU layers the program has]. */
const MODELS: Array<[string, Map<string, number[]> | undefined, number]> = [
  ["models/kmodel/source/iris.tflite", undefined, 0],
  ["models/kmodel/source/slim-320.caffemodel", undefined, 42],
  ["models/kmodel/source/ulffd_landmark.tflite", undefined, 43],
  ["models/tf/kws-cnn-k210/mod.h5", KWS_SHAPE, 4],
  ["models/tf/kws-cnn-k210/mod.pb", KWS_SHAPE, 4],
];

describe("every K210 model of the corpus compiles to a kmodel", () => {
  const useShared = sharedFor("k210 kmodels of the corpus's K210 models");
  beforeAll(() => kerasReady());

  for (const [file, inputShapes, kpuLayers] of MODELS) {
    it(file, (ctx) => {
      const shared = useShared(ctx);
      const graph = importModelFile(join(shared, file), inputShapes ? { inputShapes } : {});
      const result = compile(graph, { target: "k210", calibration: seededRandomInputs(graph, 2, 5) });
      const bytes = result.binaryFiles.get("model.kmodel");
      expect(bytes, `${file}: model.kmodel`).toBeDefined();
      const model = parseKmodel(bytes!, "model.kmodel");
      expect(model.version).toBe(4);
      if (model.version !== 4) return;
      const report = result.summary.targetReport!;
      expect(report["kpuLayers"]).toBe(kpuLayers);
      expect(model.nodes.filter((n) => n.body.kpu !== undefined).length).toBe(kpuLayers);
      expect(report["kmodelKpuLayers"]).toBe(kpuLayers);
      expect(report["kmodelBytes"]).toBe(bytes!.length);
      expect(report["kmodelMainRamBytes"]).toBe(model.mainMem);
      expect(report["kmodelEstimatedMs"]).toBeGreaterThan(0);
    });
  }
});
