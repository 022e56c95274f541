import { describe, expect, it } from "vitest";
import { compile, optimizeModel, type Graph } from "../../src/index.js";
import { errorOf } from "../support/errors.js";
import { buildAndRun } from "../support/c-run.js";
import { randomTensor, singleNodeGraph } from "../support/graphs.js";

/**
 * The library's compile() runs the whole pipeline from typed options, with no CLI code: it
 * quantizes the program extraction chose for the target, and calibrates the K210's KPU layers.
 */

/** A 3×3 conv, 8 -> 8 channels on an 8×8 map (legal and cheaper on the KPU), weights and bias constant. */
function conv(): Graph {
  return singleNodeGraph(
    "Conv",
    [{ value: randomTensor([1, 8, 8, 8], 1, 0, 1) }, { value: randomTensor([8, 8, 3, 3], 2), constant: true }, { value: randomTensor([8], 3), constant: true }],
    { pads: [1, 1, 1, 1] },
  ).graph;
}

const samples = (n: number) => Array.from({ length: n }, (_, i) => [randomTensor([1, 8, 8, 8], 20 + i, 0, 1)]);

describe("library compile() with quantize", () => {
  it("cortex-m4: calibrates the extracted float program, then the target's DSP rules lower the integer program", () => {
    const graph = conv();
    const result = compile(graph, { target: "cortex-m4", quantize: { dtype: "int8" }, calibration: samples(4) });
    // The calibrated program is the optimize phase's extraction for this target.
    expect(result.quantization!.floatProgram).toEqual(optimizeModel(graph, { target: "cortex-m4" }));
    const ops = result.graph.nodes.map((n) => n.op);
    expect(ops.some((op) => op.endsWith("Dsp")), ops.join(", ")).toBe(true);
    // Only the guard-rail's figure: the output SQNR on the calibration samples (a note, no warning).
    expect(result.diagnostics.map((d) => `${d.severity} ${d.source}`)).toEqual(["note quantize"]);
    // The same options on a variant without the DSP rules keep the generic integer kernels.
    const m0 = compile(graph, { target: "cortex-m0plus", quantize: { dtype: "int8" }, calibration: samples(4) }).graph.nodes.map((n) => n.op);
    expect(m0.some((op) => op.endsWith("Dsp"))).toBe(false);
    expect(m0).toContain("QConv2D");
  });

  it("without calibration inputs: a warning in the result (nothing printed), seeded random calibration", () => {
    const result = compile(conv(), { quantize: { dtype: "int8" } });
    expect(result.diagnostics.map((d) => `${d.severity} ${d.source}`)).toEqual(["warning --quantize without --calib", "note quantize"]);
    const x = samples(1)[0]!;
    const fromC = buildAndRun(result.files, result.graph.outputs, x)[0]!;
    expect(fromC.toNumbers().length).toBe(8 * 8 * 8);
  });
});

describe("library compile() for the K210 with calibration", () => {
  it("calibrates the KPU layer from the given inputs: no fallback warning, scales differ from the random fallback's, kmodel written", () => {
    const graph = conv();
    const calibrated = compile(graph, { target: "k210", calibration: samples(3) });
    expect(calibrated.graph.nodes.map((n) => n.op)).toEqual(["KpuConv2D"]);
    expect(calibrated.diagnostics).toEqual([]);
    expect([...calibrated.binaryFiles.keys()]).toEqual(["model.kmodel"]);
    const fallback = compile(graph, { target: "k210" });
    expect(fallback.diagnostics.map((d) => d.message).join("\n")).toMatch(/NO CALIBRATION DATA/);
    expect(fallback.graph.nodes[0]!.attrs["x_scale"]).not.toEqual(calibrated.graph.nodes[0]!.attrs["x_scale"]);
  });

  it("refuses quantize on a target that quantises its own layers, naming the option and the way out", () => {
    const error = errorOf(() => compile(conv(), { target: "k210", quantize: { dtype: "uint8" }, calibration: samples(2) }));
    expect(error.code).toBe("bad-option");
    expect(error.message).toMatch(/--quantize.*quantises the KPU layers itself.*--calib PATH/);
  });
});
