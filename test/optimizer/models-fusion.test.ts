import { describe, expect, it } from "vitest";
import { loadOnnxStatic, pytorchConvertedModels, sharedModels, SHARED_ONNX_DIR, type BenchModel } from "../../bench/models.js";
import { compile, EgretError, type Graph } from "../../src/index.js";
import { compareClose } from "../support/c-run.js";
import { requireOnnxTestdata } from "../support/testdata.js";
import { sharedOrSkip, sharedFor } from "../support/shared-skip.js";
import { feedsFor, runC } from "../rules/support.js";
import { join } from "node:path";

/**
 * Issue 3's "Conv+BatchNorm+ReLU chains are emitted as one kernel call" on real models: every
 * Conv->BatchNorm->Relu, Conv->Relu and Conv->BatchNorm chain of the imported graph (each link
 * the only consumer of the one before) is gone from the optimized graph, folded into one Conv
 * with a fused activation; on a sample the generated C matches --no-optimize's within rtol 1e-4.
 * The host target runs Convs on the blocked float kernels (rules/targets/float-kernels.rules), which
 * carry the fused activation over: a chain counts from any of these convolution ops.
 */

const CONV_OPS = new Set(["Conv", "Conv2DGemm", "Conv2DGemmNHWC", "Conv2DDepthwise", "Conv2DWinograd"]);

interface Chains {
  readonly convBnRelu: number;
  readonly convRelu: number;
  readonly convBn: number;
}

function countChains(graph: Graph): Chains {
  const consumers = new Map<string, number>();
  for (const n of graph.nodes) for (const input of n.inputs) consumers.set(input, (consumers.get(input) ?? 0) + 1);
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const soleConsumer = (name: string) => consumers.get(name) === 1 && !graph.outputs.some((o) => o.name === name);
  const from = (name: string | undefined, op: string) => {
    const p = name === undefined ? undefined : producer.get(name);
    const matches = op === "Conv" ? CONV_OPS.has(p?.op ?? "") : p?.op === op;
    return p !== undefined && matches && soleConsumer(p.outputs[0]!) ? p : undefined;
  };
  let convBnRelu = 0;
  let convRelu = 0;
  let convBn = 0;
  for (const n of graph.nodes) {
    if (n.op === "Relu") {
      const bn = from(n.inputs[0], "BatchNormalization");
      if (bn !== undefined && from(bn.inputs[0], "Conv") !== undefined) convBnRelu++;
      if (from(n.inputs[0], "Conv") !== undefined) convRelu++;
    } else if (n.op === "BatchNormalization" && from(n.inputs[0], "Conv") !== undefined) convBn++;
  }
  return { convBnRelu, convRelu, convBn };
}

function tryLoad(model: BenchModel): Graph | undefined {
  try {
    return model.load();
  } catch (e) {
    if (e instanceof EgretError) return undefined;
    throw e;
  }
}

/** Checks every model with chains; returns how many it checked. */
function checkModels(models: readonly BenchModel[]): number {
  let checked = 0;
  for (const model of models) {
    const graph = tryLoad(model);
    if (graph === undefined) continue;
    const before = countChains(graph);
    if (before.convBnRelu + before.convRelu + before.convBn === 0) continue;
    const optimized = compile(graph);
    const baseline = compile(graph, { optimize: false }).summary.kernelCalls;
    expect(countChains(optimized.graph), model.name).toEqual({ convBnRelu: 0, convRelu: 0, convBn: 0 });
    const fused = optimized.graph.nodes.filter((n) => CONV_OPS.has(n.op) && n.attrs["activation"] === "Relu").length;
    expect(fused, model.name).toBeGreaterThanOrEqual(before.convBnRelu + before.convRelu);
    // Each chain was 2 or 3 kernel calls and is now 1 (convBn also counts the Conv->BatchNorm link of convBnRelu).
    expect(optimized.summary.kernelCalls, model.name).toBeLessThanOrEqual(baseline - before.convBnRelu - before.convRelu - before.convBn);
    console.log(`${model.name}: ${JSON.stringify(before)} chains, kernel calls ${baseline} -> ${optimized.summary.kernelCalls}, ${fused} Conv+Relu kernels`);
    checked++;
  }
  return checked;
}

describe("Conv+BatchNorm+Relu chains become one kernel call on real models", () => {
  it("on ../shared/models/onnx", (ctx) => {
    sharedOrSkip(ctx, "Conv+BatchNorm+Relu fusion on the shared ONNX models");
    expect(checkModels(sharedModels())).toBeGreaterThanOrEqual(2);
  });

  it("on the libonnx pytorch-converted suite: no chain survives and no model gains kernel calls", () => {
    requireOnnxTestdata();
    const models = pytorchConvertedModels();
    let compiled = 0;
    for (const model of models) {
      const graph = tryLoad(model);
      if (graph === undefined) continue;
      const optimized = compile(graph);
      expect(countChains(optimized.graph), model.name).toEqual({ convBnRelu: 0, convRelu: 0, convBn: 0 });
      expect(optimized.summary.kernelCalls, model.name).toBeLessThanOrEqual(compile(graph, { optimize: false }).summary.kernelCalls);
      compiled++;
    }
    // The suite's cases are single layers or short op sequences (no Conv chains of their own).
    expect(compiled).toBeGreaterThan(60);
    checkModels(models);
  });
});

describe("optimized C matches --no-optimize C on a sample", () => {
  const useShared = sharedFor("optimized vs unoptimized C on sample shared models");
  const sample = ["onnx2c/examples/atmega_mnist/mnist.simplified.onnx", "ultraface/version-slim-320_without_postprocessing.onnx"];
  for (const rel of sample) {
    it(`${rel}: outputs equal within rtol 1e-4`, (ctx) => {
      useShared(ctx);
      const graph = loadOnnxStatic(join(SHARED_ONNX_DIR, rel));
      const feeds = feedsFor(graph, 21);
      const optimized = runC(graph, feeds, true);
      const plain = runC(graph, feeds, false);
      plain.forEach((want, i) => {
        const cmp = compareClose(optimized[i]!, want);
        expect(cmp.ok, `output ${i}: max |diff| ${cmp.maxAbs} at ${cmp.where}`).toBe(true);
      });
    });
  }
});
