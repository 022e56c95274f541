import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGraph, Tensor, type DType, type Graph } from "../../src/index.js";
import { importTflite, tfliteTensorNames } from "../../src/importers/tflite/index.js";
import { runBatchC } from "../support/batch-run.js";
import { compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * Bit-exactness against TensorFlow Lite Micro's reference kernels (../shared/golden, see its
 * README): the final output of 8 real inputs (multi/) and every intermediate tensor of one
 * inference, through the TypeScript evaluator and through the generated C.
 */
const useShared = sharedFor("TFLite golden comparisons with TFLite Micro (kws_ref_model, person_detect, pretrainedResnet_quant)");

interface GoldenTensor {
  readonly index: number;
  readonly file: string;
  readonly dtype: DType;
  readonly shape: number[];
}

const GOLDEN_TYPES: Readonly<Record<string, DType>> = { INT8: "int8", INT16: "int16", INT32: "int32", FLOAT32: "float32" };

function goldenIndex(dir: string): GoldenTensor[] {
  return readFileSync(join(dir, "tensors_index.txt"), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [index, file, type, shape] = line.split(" ") as [string, string, string, string];
      return { index: Number(index), file, dtype: GOLDEN_TYPES[type]!, shape: JSON.parse(shape) as number[] };
    });
}

function sameBytes(a: Tensor, b: Uint8Array): boolean {
  const x = a.bytes();
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

/** The graph with extra outputs: every golden intermediate tensor the graph computes. */
function withOutputs(graph: Graph, names: readonly string[]): Graph {
  const outputs = names.map((name) => ({ name, ...graph.values.get(name)! }));
  return { ...graph, outputs };
}

const MODELS = [
  ["kws_ref_model", "models/tflite/mlperf-tiny/kws/kws_ref_model.tflite", 13],
  ["person_detect", "models/tflite/tflm-models/person_detect.tflite", 31],
  ["pretrainedResnet_quant", "models/tflite/mlperf-tiny/ic/pretrainedResnet_quant.tflite", 16],
] as const;

describe.each(MODELS)("TFLite %s vs TFLite Micro", (name, model, intermediates) => {
  it("matches TFLM bit for bit on every intermediate tensor (interpreter and generated C)", (ctx) => {
    const shared = useShared(ctx);
    const bytes = new Uint8Array(readFileSync(join(shared, model)));
    const graph = importTflite(bytes, `${name}.tflite`);
    const names = tfliteTensorNames(bytes);
    const dir = join(shared, "golden", name);
    const golden = goldenIndex(dir).filter((g) => graph.nodes.some((n) => n.outputs.includes(names[g.index]!)));
    expect(golden.length).toBe(intermediates);
    const input = graph.inputs[0]!;
    const x = Tensor.fromBytes(input.dtype, input.shape, new Uint8Array(readFileSync(join(dir, "input_0.bin"))));
    const extended = withOutputs(graph, golden.map((g) => names[g.index]!));
    const interp = runGraph(extended, [x]);
    const c = compileAndRun(extended, [x]);
    const exact = { interp: 0, c: 0 };
    const differing: string[] = [];
    golden.forEach((g, k) => {
      const expected = new Uint8Array(readFileSync(join(dir, g.file)));
      expect(interp[k]!.shape).toEqual(g.shape);
      if (sameBytes(interp[k]!, expected)) exact.interp++;
      else differing.push(`interpreter ${g.file}`);
      if (sameBytes(c[k]!, expected)) exact.c++;
      else differing.push(`C ${g.file}`);
    });
    console.log(`${name}: ${exact.interp}/${golden.length} intermediate tensors bit-exact through the interpreter, ${exact.c}/${golden.length} through the C`);
    expect(differing).toEqual([]);
  });

  it("matches TFLM's outputs for the 8 multi/ inputs (interpreter and generated C)", (ctx) => {
    const shared = useShared(ctx);
    const dir = join(shared, "golden", name, "multi");
    const graph = importTflite(new Uint8Array(readFileSync(join(shared, model))), `${name}.tflite`);
    const input = graph.inputs[0]!;
    const inputs = Array.from({ length: 8 }, (_, k) => new Uint8Array(readFileSync(join(dir, `input_${k}_0.bin`))));
    const outputs = Array.from({ length: 8 }, (_, k) => new Uint8Array(readFileSync(join(dir, `output_${k}_0.bin`))));
    const size = outputs[0]!.length;
    const c = runBatchC(graph, new Uint8Array(inputs.flatMap((b) => Array.from(b))), 8);
    inputs.forEach((bytes, k) => {
      const y = runGraph(graph, [Tensor.fromBytes(input.dtype, input.shape, bytes)])[0]!;
      expect(Array.from(y.bytes()), `pair ${k} (interpreter)`).toEqual(Array.from(outputs[k]!));
      expect(Array.from(c.subarray(size * k, size * (k + 1))), `pair ${k} (C)`).toEqual(Array.from(outputs[k]!));
    });
  });
});
