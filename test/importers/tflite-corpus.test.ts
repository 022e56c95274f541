import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EgretError, runGraph, Tensor } from "../../src/index.js";
import { importKeras, kerasReady } from "../../src/importers/keras/index.js";
import { decodeTflite, importTflite, operatorName } from "../../src/importers/tflite/index.js";
import { compareClose, compileAndRun } from "../support/c-run.js";
import { sharedFor } from "../support/shared-skip.js";
import { seeded } from "./tf-graphdef.js";

const useShared = sharedFor("TFLite corpus tests (parsing every .tflite, float models vs C, hello_world vs sin)");

interface ManifestIo {
  readonly name: string | null;
  readonly shape: readonly number[];
}
interface ManifestEntry {
  readonly file: string;
  readonly format: string;
  readonly ops: Readonly<Record<string, number>>;
  readonly inputs: readonly ManifestIo[];
  readonly outputs: readonly ManifestIo[];
}

function tfliteManifest(dir: string): ManifestEntry[] {
  const manifest = JSON.parse(readFileSync(join(dir, "models/manifest.json"), "utf8")) as { models: ManifestEntry[] };
  return manifest.models.filter((m) => m.format === "tflite");
}

function load(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, "models/tflite", file)));
}

describe("TFLite corpus", () => {
  beforeAll(() => kerasReady());

  it("parses every .tflite: operator counts, input and output names and shapes match the manifest", (ctx) => {
    const shared = useShared(ctx);
    const entries = tfliteManifest(shared);
    expect(entries.length).toBeGreaterThanOrEqual(145);
    for (const entry of entries) {
      const model = decodeTflite(new Uint8Array(readFileSync(join(shared, "models", entry.file))), entry.file);
      const graph = model.subgraphs[0]!;
      const ops: Record<string, number> = {};
      for (const op of graph.operators) {
        const name = operatorName(model.operatorCodes[op.opcodeIndex]!);
        ops[name] = (ops[name] ?? 0) + 1;
      }
      expect(Object.entries(ops).sort(), entry.file).toEqual(Object.entries(entry.ops).sort());
      const io = (indices: readonly number[]) => indices.map((i) => ({ name: graph.tensors[i]!.name, shape: [...graph.tensors[i]!.shape] }));
      // Unnamed tensors are `null` in the manifest; the importer names them tensor_<index>.
      const expected = (list: readonly ManifestIo[], actual: { name: string }[]) => list.map((x, k) => ({ name: x.name ?? actual[k]!.name, shape: [...x.shape] }));
      const [ins, outs] = [io(graph.inputs), io(graph.outputs)];
      expect(ins, entry.file).toEqual(expected(entry.inputs, ins));
      expect(outs, entry.file).toEqual(expected(entry.outputs, outs));
    }
  });

  it("rejects custom and unsupported builtin operators naming the operator, its index and output tensor", (ctx) => {
    const shared = useShared(ctx);
    const cases: [string, RegExp][] = [
      ["tflm-models/person_detect_vela.tflite", /operator 0 \(CUSTOM:ethos-u\) -> tensor "[^"]+": custom operator "ethos-u" is not supported/],
      ["tflm-examples/micro_speech/audio_preprocessor_float.tflite", /operator \d+ \(\w+(:\w+)?\) -> tensor "[^"]+": .* is not supported/],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      try {
        importTflite(load(shared, file), file);
      } catch (e) {
        error = e;
      }
      expect(error, file).toBeInstanceOf(EgretError);
      expect((error as EgretError).code, file).toBe("unsupported-op");
      expect((error as EgretError).message, file).toMatch(message);
    }
  });

  /** TFLM's hello_world_test: |sin(x) - y| <= 0.05 for x in {0, 1, 3, 5}. */
  it("hello_world_float approximates sin(x) within TFLM's epsilon 0.05, and the C agrees with the interpreter", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(load(shared, "tflm-examples/hello_world/hello_world_float.tflite"), "hello_world_float.tflite");
    expect(graph.inputs.map((i) => [i.name, i.shape])).toEqual([["serving_default_dense_input:0", [1, 1]]]);
    expect(graph.nodes.filter((n) => n.op === "Gemm")).toHaveLength(3);
    for (const x of [0, 1, 3, 5]) {
      const input = Tensor.fromNumbers("float32", [1, 1], [x]);
      const y = runGraph(graph, [input])[0]!;
      expect(Math.abs(y.toArray()[0]! - Math.sin(x)), `x = ${x}`).toBeLessThanOrEqual(0.05);
      expect(compareClose(compileAndRun(graph, [input])[0]!, y).ok, `x = ${x}`).toBe(true);
    }
  });

  it("pretrainedResnet_large_float compiles and runs: the C agrees with the interpreter within rtol 1e-4", (ctx) => {
    const shared = useShared(ctx);
    const graph = importTflite(load(shared, "mlperf-tiny/ic/pretrainedResnet_large_float.tflite"), "pretrainedResnet_large_float.tflite");
    expect(graph.outputs.map((o) => [o.name, o.shape])).toEqual([["StatefulPartitionedCall:0", [1, 10]]]);
    expect(graph.nodes.filter((n) => n.op === "Conv")).toHaveLength(9);
    const x = Tensor.fromNumbers("float32", [1, 32, 32, 3], seeded(32 * 32 * 3, 5).map((v) => (v + 1) * 127.5));
    const expected = runGraph(graph, [x])[0]!;
    expect(Math.abs(expected.toArray().reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
    expect(compareClose(compileAndRun(graph, [x])[0]!, expected).ok).toBe(true);
  });

  /** pretrainedResnet.tflite was converted from pretrainedResnet.h5: two importers, one network. */
  it("pretrainedResnet.tflite agrees with the Keras pretrainedResnet.h5 it was converted from", (ctx) => {
    const shared = useShared(ctx);
    const tflite = importTflite(load(shared, "mlperf-tiny/ic/pretrainedResnet.tflite"), "pretrainedResnet.tflite");
    const keras = importKeras(load(shared, "mlperf-tiny/ic/pretrainedResnet.h5"), "pretrainedResnet.h5", { inputShapes: new Map([["input_1", [1, 32, 32, 3]]]) });
    for (const seed of [1, 2, 3]) {
      const x = Tensor.fromNumbers("float32", [1, 32, 32, 3], seeded(32 * 32 * 3, seed).map((v) => (v + 1) * 127.5));
      const a = runGraph(tflite, [x])[0]!;
      const b = runGraph(keras, [x])[0]!;
      const cmp = compareClose(a, b, 1e-4, 1e-5);
      expect(cmp.ok, `seed ${seed}: max |diff| ${cmp.maxAbs}`).toBe(true);
    }
  });
});
