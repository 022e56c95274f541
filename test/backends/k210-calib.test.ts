/**
 * `egret compile --target k210 --calib PATH` (the CLI's calibration loaders, handed to the library compile): the calibration loaders of
 * src/calib feed the k210 target's KPU quantisation; without --calib the target warns loudly and
 * calibrates on seeded random inputs. Uses the landmark example's calibration images, and checks the
 * accuracy of ulffd_landmark calibrated on some of them against the float program on a held-out one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { extractForK210, lowerK210 } from "./k210-support.js";
import { k210Target } from "../../backends/k210/target.js";
import { loadSamples } from "../../src/calib/data.js";
import { calibrationFrom } from "../../src/cli/quantize-options.js";
import { compile, runGraph, type Graph } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { parseKmodel } from "../../backends/k210/kmodel/index.js";
import { runKmodelV4 } from "../../backends/k210/kmodel/run-v4.js";
import { OPS } from "../support/toolchain.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { errorOf } from "../support/errors.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { pearson } from "../support/stats.js";
import { sharedFor } from "../support/shared-skip.js";
import { letWorkerTalk } from "../support/yield.js";

/** A 3×3 conv on a 3×32×32 image input: one KPU layer whose input scale comes from calibration. */
function imageConv(): Graph {
  return singleNodeGraph("Conv", [{ value: randomTensor([1, 3, 32, 32], 1, 0, 1) }, { value: randomTensor([8, 3, 3, 3], 2), constant: true }], { pads: [1, 1, 1, 1] }).graph;
}

/** Worst |got − want| as a fraction of want's range. */
function worstOfRange(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let lo = Infinity, hi = -Infinity, worst = 0;
  for (let i = 0; i < want.length; i++) { lo = Math.min(lo, want[i]!); hi = Math.max(hi, want[i]!); worst = Math.max(worst, Math.abs(got[i]! - want[i]!)); }
  return worst / (hi - lo);
}

/** An NHWC [0, 1] image tensor (x/255) back to the planar RGB uint8 bytes nncase's kmodel takes. */
function planarBytes(nhwc: Tensor): Uint8Array {
  const v = nhwc.toNumbers();
  const pixels = v.length / 3;
  const out = new Uint8Array(v.length);
  for (let j = 0; j < v.length; j++) out[(j % 3) * pixels + Math.floor(j / 3)] = Math.round(v[j]! * 255);
  return out;
}

/** Compiles for k210 and returns the first KPU layer's input scale and the compile's diagnostics as the CLI prints them. */
function compileK210(graph: Graph, calibration: readonly (readonly Tensor[])[] | undefined): { xScale: number; stderr: string } {
  const result = compile(graph, { target: "k210", ...(calibration === undefined ? {} : { calibration }) });
  const kpu = result.graph.nodes.find((n) => n.op === "KpuConv2D");
  expect(kpu).toBeDefined();
  const stderr = result.diagnostics.map((d) => `${d.severity === "warning" ? "WARNING" : "note"}: ${d.source}: ${d.message}`).join("\n");
  return { xScale: Number(kpu!.attrs["x_scale"]), stderr };
}

describe("k210 calibration from --calib", () => {
  const useShared = sharedFor("k210 --calib tests (landmark images)");
  it("landmark images calibrate the KPU layers; without --calib the loud warning and the random fallback stay", (ctx) => {
    const shared = useShared(ctx);
    const images = join(shared, "models/kmodel/source/landmark_images");
    const graph = imageConv();
    const opts = { calib: images, calibMethod: "minmax" as const, samples: "2" };
    const fromCli = calibrationFrom(graph, opts, k210Target);
    expect(fromCli?.length).toBe(2);
    const calibrated = compileK210(graph, fromCli);
    expect(calibrated.stderr).not.toMatch(/NO CALIBRATION DATA/);
    // The same layer lowered directly on the same two images (x/255 in [0,1], resized to 32×32).
    const samples = loadSamples(images, graph.inputs, { samples: 2 }).tensors;
    expect(samples.length).toBe(2);
    const direct = lowerForK210(extractForK210(graph), samples, OPS).program.nodes.find((n) => n.op === "KpuConv2D")!;
    expect(calibrated.xScale).toBe(Number(direct.attrs["x_scale"]));

    const fallback = compileK210(graph, undefined);
    expect(fallback.stderr).toMatch(/WARNING: k210: NO CALIBRATION DATA.*--calib PATH/);
    expect(fallback.xScale).not.toBe(calibrated.xScale);
  });

  it("calibrating on a single input warns that its ranges may saturate on other inputs; two inputs do not", () => {
    const graph = extractForK210(imageConv());
    const warningsWith = (count: number): string[] => {
      const samples = Array.from({ length: count }, (_, s) => [randomTensor([1, 3, 32, 32], 10 + s, 0, 1)]);
      return lowerK210(graph, samples).diagnostics.map((d) => `WARNING: ${d.source}: ${d.message}`);
    };
    expect(warningsWith(1).join("\n")).toMatch(/WARNING: k210: calibrated on a single input.*saturate.*several representative inputs/);
    expect(warningsWith(2)).toEqual([]);
  });

  it("--quantize with --target k210 is refused with a pointer to --calib", () => {
    const err = errorOf(() => compile(imageConv(), { target: "k210", quantize: { dtype: "uint8" } }));
    expect(err.message).toMatch(/--target k210 quantises the KPU layers itself.*--calib PATH/);
  });

  // Calibration ranges are min/max unions (nncase v0.2): a single image gives intermediate ranges
  // that other images exceed, and the uint8 maps then saturate. Measured (held-out 21.jpg, worst
  // error of each output's range / Pearson r vs the float program): calibrated on 20.jpg alone
  // 26.20 %, 23.65 %, 12.41 % / 0.9903, 0.9936, 0.9990; on 20, 22, 23.jpg 11.64 %, 16.99 %, 8.04 % /
  // 0.9968, 0.9971, 0.9995. nncase's own ulffd_landmark.kmodel (calibrated by nncase on the
  // example's image set, where these four images come from) on 21.jpg: 24.14 %, 27.47 %, 19.43 % /
  // 0.9551, 0.9529, 0.9927. Per layer, with in-range inputs each KPU layer's error is within ~10 % of
  // uint8 maps with float weights, so the quantiser itself is not what limits the accuracy.
  it("ulffd_landmark calibrated on three landmark images tracks the float program on a held-out one, closer than nncase's kmodel", async (ctx) => {
    const shared = useShared(ctx);
    const source = join(shared, "models/kmodel/source");
    const graph = importModelFile(join(source, "ulffd_landmark.tflite"));
    const image = (name: string) => loadSamples(join(source, "landmark_images", name), graph.inputs).tensors[0]!;
    // Each stage below takes tens of seconds on a loaded machine: the worker talks to vitest between them.
    await letWorkerTalk();
    const float = extractForK210(graph);
    await letWorkerTalk();
    const lowered = lowerForK210(float, ["20.jpg", "22.jpg", "23.jpg"].map(image), OPS);
    expect(lowered.kpuLayers.length).toBe(43);
    await letWorkerTalk();
    const heldOut = image("21.jpg");
    const got = runGraph(lowered.program, heldOut);
    await letWorkerTalk();
    const fromOneImage = runGraph(lowerForK210(float, [image("20.jpg")], OPS).program, heldOut);
    await letWorkerTalk();
    const want = runGraph(float, heldOut);
    await letWorkerTalk();
    const kmodel = parseKmodel(new Uint8Array(readFileSync(join(shared, "models/kmodel/v4/ulffd_landmark.kmodel"))));
    if (kmodel.version !== 4) throw new Error("ulffd_landmark.kmodel: kmodel v4 expected");
    const nncase = runKmodelV4(kmodel, [planarBytes(heldOut[0]!)]).map((b) => new Float32Array(b.slice().buffer));
    want.forEach((w, i) => {
      const reference = w.toNumbers();
      const ours = got[i]!.toNumbers();
      const r = pearson(ours, reference);
      const theirs = pearson(nncase[i]!, reference);
      const worst = worstOfRange(ours, reference);
      const oneImage = fromOneImage[i]!.toNumbers();
      console.log(`ulffd_landmark output ${i} on held-out 21.jpg: Egret (20, 22, 23.jpg) r ${r.toFixed(4)} worst ${(100 * worst).toFixed(2)} % | ` +
        `Egret (20.jpg) r ${pearson(oneImage, reference).toFixed(4)} worst ${(100 * worstOfRange(oneImage, reference)).toFixed(2)} % | ` +
        `nncase kmodel r ${theirs.toFixed(4)} worst ${(100 * worstOfRange(nncase[i]!, reference)).toFixed(2)} %`);
      expect(r).toBeGreaterThan(0.995);
      expect(r).toBeGreaterThan(theirs);
      expect(worst).toBeLessThan(0.2);
      // More calibration images: fewer saturated maps, a smaller worst error than from one image.
      expect(worst).toBeLessThan(worstOfRange(oneImage, reference));
    });
  });
});
