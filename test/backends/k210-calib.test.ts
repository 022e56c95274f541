/**
 * `egret compile --target k210 --calib PATH` (src/cli/k210-calib.ts): the calibration loaders of
 * src/calib feed the k210 target's KPU quantisation; without --calib the target warns loudly and
 * calibrates on seeded random inputs. Uses the landmark example's calibration images.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lowerForK210 } from "../../backends/k210/lower.js";
import { setK210Calibration } from "../../backends/k210/target.js";
import { loadSamples } from "../../src/calib/data.js";
import { k210CalibrationFromOptions } from "../../src/cli/k210-calib.js";
import { compileGraph, type Graph } from "../../src/index.js";
import { errorOf } from "../support/errors.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";
import { sharedOrWarn } from "../support/testdata.js";

/** A 3×3 conv on a 3×32×32 image input: one KPU layer whose input scale comes from calibration. */
function imageConv(): Graph {
  return singleNodeGraph("Conv", [{ value: randomTensor([1, 3, 32, 32], 1, 0, 1) }, { value: randomTensor([8, 3, 3, 3], 2), constant: true }], { pads: [1, 1, 1, 1] }).graph;
}

/** Compiles for k210 and returns the first KPU layer's input scale and what went to stderr. */
function compileK210(graph: Graph): { xScale: number; stderr: string } {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    const result = compileGraph(graph, { target: "k210" });
    const kpu = result.graph.nodes.find((n) => n.op === "KpuConv2D");
    expect(kpu).toBeDefined();
    return { xScale: Number(kpu!.attrs["x_scale"]), stderr };
  } finally {
    process.stderr.write = original;
  }
}

describe("k210 calibration from --calib", () => {
  const shared = sharedOrWarn("k210 --calib tests (landmark images)");
  afterEach(() => setK210Calibration(undefined));

  it.runIf(shared !== undefined)("landmark images calibrate the KPU layers; without --calib the loud warning and the random fallback stay", () => {
    const images = join(shared!, "models/kmodel/source/landmark_images");
    const graph = imageConv();
    const opts = { calib: images, calibMethod: "minmax" as const, samples: "2" };
    expect(k210CalibrationFromOptions(graph, opts)).toBe(graph);
    const calibrated = compileK210(graph);
    expect(calibrated.stderr).not.toMatch(/NO CALIBRATION DATA/);
    // The same layer lowered directly on the same two images (x/255 in [0,1], resized to 32×32).
    const samples = loadSamples(images, graph.inputs, { samples: 2 }).tensors;
    expect(samples.length).toBe(2);
    const direct = lowerForK210(compileGraph(graph, { target: "host" }).graph, samples).program.nodes.find((n) => n.op === "KpuConv2D")!;
    expect(calibrated.xScale).toBe(Number(direct.attrs["x_scale"]));

    setK210Calibration(undefined);
    const fallback = compileK210(graph);
    expect(fallback.stderr).toMatch(/WARNING: k210: NO CALIBRATION DATA.*--calib PATH/);
    expect(fallback.xScale).not.toBe(calibrated.xScale);
  });

  it("--quantize with --target k210 is refused with a pointer to --calib", () => {
    const err = errorOf(() => k210CalibrationFromOptions(imageConv(), { quantize: "uint8", calibMethod: "minmax" }));
    expect(err.message).toMatch(/--target k210 quantises the KPU layers itself.*--calib PATH/);
  });
});
