import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileGraph, runGraph, Tensor, writeOutputDir, type DType, type Graph } from "../../src/index.js";
import { importTflite, tfliteTensorNames } from "../../src/importers/tflite/index.js";
import { runBatchC } from "../support/batch-run.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { rng, singleNodeGraph } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * TFLite's integer SVDF against TFLite Micro (../shared/golden/keyword_scrambled): every tensor
 * TFLM dumped after the first Invoke() (the SVDF activation states included), and the 8 multi/
 * pairs, each the first Invoke() of a fresh interpreter, so each runs in a fresh C process here.
 */
const useShared = sharedFor("the SVDF golden comparison with TFLite Micro (keyword_scrambled)");

const MODEL = "models/tflite/tflm-models/keyword_scrambled.tflite";
const MODEL_8BIT = "models/tflite/tflm-models/keyword_scrambled_8bit.tflite";
const GOLDEN_TYPES: Readonly<Record<string, DType>> = { INT8: "int8", INT16: "int16", INT32: "int32" };

interface GoldenTensor {
  readonly index: number;
  readonly file: string;
  readonly dtype: DType;
}

function goldenIndex(dir: string): GoldenTensor[] {
  return readFileSync(join(dir, "tensors_index.txt"), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [index, file, type] = line.split(" ") as [string, string, string];
      return { index: Number(index), file, dtype: GOLDEN_TYPES[type]! };
    });
}

function load(root: string, path: string): { bytes: Uint8Array; graph: Graph } {
  const bytes = new Uint8Array(readFileSync(join(root, path)));
  return { bytes, graph: importTflite(bytes, path) };
}

function withOutputs(graph: Graph, names: readonly string[]): Graph {
  return { ...graph, outputs: names.map((name) => ({ name, ...graph.values.get(name)! })) };
}

function inputOf(graph: Graph, bytes: Uint8Array): Tensor {
  const input = graph.inputs[0]!;
  return Tensor.fromBytes(input.dtype, input.shape, bytes);
}

/** Compiles once; runs `runner` once per input, each in a fresh process (fresh SVDF state). */
function runFreshProcesses(graph: Graph, inputs: readonly Tensor[]): Uint8Array[] {
  const work = mkdtempSync(join(tmpdir(), "egret-svdf-"));
  try {
    const dir = join(work, "out");
    writeOutputDir(dir, compileGraph(graph).files);
    execFileSync("make", ["-s", "-C", dir, `CFLAGS=${SANITIZE_CFLAGS}`], { stdio: ["ignore", "pipe", "pipe"] });
    return inputs.map((x, k) => {
      const inPath = join(work, `in${k}.bin`);
      const outDir = join(work, `results${k}`);
      writeFileSync(inPath, x.bytes());
      mkdirSync(outDir);
      execFileSync(join(dir, "runner"), [inPath, outDir], { stdio: ["ignore", "pipe", "pipe"] });
      return new Uint8Array(readFileSync(join(outDir, "0.bin")));
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe("TFLite SVDF (keyword_scrambled) vs TFLite Micro", () => {
  it("matches every tensor TFLM dumped after the first Invoke, states included (interpreter and C)", (ctx) => {
    const shared = useShared(ctx);
    const { bytes, graph } = load(shared, MODEL);
    const names = tfliteTensorNames(bytes);
    const dir = join(shared, "golden", "keyword_scrambled");
    const golden = goldenIndex(dir).filter((g) => graph.nodes.some((n) => n.outputs.includes(names[g.index]!)));
    // 24 dumped tensors minus the graph input: 7 SVDF states, 7 SVDF outputs, 5 FC, softmax, 2 QUANTIZE.
    expect(golden.length).toBe(22);
    expect(golden.filter((g) => graph.nodes.find((n) => n.outputs.includes(names[g.index]!))!.op === "QSvdfState")).toHaveLength(7);
    const extended = withOutputs(graph, golden.map((g) => names[g.index]!));
    const x = inputOf(graph, new Uint8Array(readFileSync(join(dir, "input_0.bin"))));
    const interp = runGraph(extended, [x]);
    const c = compileAndRun(extended, [x]);
    const differing: string[] = [];
    golden.forEach((g, k) => {
      const expected = Array.from(readFileSync(join(dir, g.file)));
      expect(interp[k]!.dtype).toBe(g.dtype);
      if (JSON.stringify(Array.from(interp[k]!.bytes())) !== JSON.stringify(expected)) differing.push(`interpreter ${g.file}`);
      if (JSON.stringify(Array.from(c[k]!.bytes())) !== JSON.stringify(expected)) differing.push(`C ${g.file}`);
    });
    console.log(`keyword_scrambled: ${golden.length - differing.filter((d) => d.startsWith("interp")).length}/${golden.length} tensors bit-exact through the interpreter, ${golden.length - differing.filter((d) => d.startsWith("C")).length}/${golden.length} through the C`);
    expect(differing).toEqual([]);
    // The model output too (also in the list above, checked against output_0.bin on its own).
    expect(Array.from(interp[interp.length - 1]!.bytes())).toEqual(Array.from(readFileSync(join(dir, "output_0.bin"))));
  });

  it("matches the 8 multi/ pairs, each in a fresh process (interpreter and C under sanitizers)", (ctx) => {
    const shared = useShared(ctx);
    const { graph } = load(shared, MODEL);
    const dir = join(shared, "golden", "keyword_scrambled", "multi");
    const inputs = Array.from({ length: 8 }, (_, k) => inputOf(graph, new Uint8Array(readFileSync(join(dir, `input_${k}_0.bin`)))));
    const c = runFreshProcesses(graph, inputs);
    inputs.forEach((x, k) => {
      const expected = Array.from(readFileSync(join(dir, `output_${k}_0.bin`)));
      expect(Array.from(runGraph(graph, [x])[0]!.bytes()), `pair ${k} (interpreter)`).toEqual(expected);
      expect(Array.from(c[k]!), `pair ${k} (C)`).toEqual(expected);
    });
  });

  it("keeps the state across runs in the C: the second run shifts the first state and appends its own column", (ctx) => {
    const shared = useShared(ctx);
    const { graph } = load(shared, MODEL);
    const dir = join(shared, "golden", "keyword_scrambled", "multi");
    const [x0, x1] = [0, 1].map((k) => inputOf(graph, new Uint8Array(readFileSync(join(dir, `input_${k}_0.bin`)))));
    const stateOnly = withOutputs(graph, ["tensor_4"]);
    const memory = 8;
    // Expected, from two independent first steps: S2[i] = S1[i + 1], except each filter's newest
    // cell, which only depends on the new input.
    const s1 = Array.from(runGraph(stateOnly, [x0!])[0]!.toNumbers());
    const fresh = Array.from(runGraph(stateOnly, [x1!])[0]!.toNumbers());
    const s2 = s1.map((_, i) => (i % memory === memory - 1 ? fresh[i]! : s1[i + 1]!));
    expect(s2).not.toEqual(s1);
    const both = runBatchC(stateOnly, new Uint8Array([...x0!.bytes(), ...x1!.bytes()]), 2);
    const half = both.length / 2;
    expect(Array.from(new Int16Array(both.buffer, both.byteOffset, half / 2))).toEqual(s1);
    expect(Array.from(new Int16Array(both.buffer, both.byteOffset + half, half / 2))).toEqual(s2);
  });

  it("imports and runs keyword_scrambled_8bit (int8 state with a non-zero zero point), the C equal to the interpreter", (ctx) => {
    const shared = useShared(ctx);
    const { graph } = load(shared, MODEL_8BIT);
    const states = graph.nodes.filter((n) => n.op === "QSvdfState");
    expect(states.length).toBe(7);
    expect(states.every((n) => n.attrs["to"] === "int8")).toBe(true);
    expect(states.some((n) => n.attrs["s_zero_point"] !== 0)).toBe(true);
    const dir = join(shared, "golden", "keyword_scrambled", "multi");
    const x = inputOf(graph, new Uint8Array(readFileSync(join(dir, "input_3_0.bin"))));
    const extended = withOutputs(graph, [...states.map((n) => n.outputs[0]!), graph.outputs[0]!.name]);
    const interp = runGraph(extended, [x]);
    const c = compileAndRun(extended, [x], { cflags: SANITIZE_CFLAGS });
    interp.forEach((t, k) => expect(Array.from(c[k]!.bytes()), extended.outputs[k]!.name).toEqual(Array.from(t.bytes())));
  });
});

describe("QSvdfState / QSvdfOutput", () => {
  const stateAttrs = { x_scale: 0.05, x_zero_point: -3, w_scale: [0.01], s_scale: 0.002, s_zero_point: 0, memory_size: 3, to: "int16", state: "s" };

  it("computes the first step by hand: newest cell = requant(w . (x - zp)), the rest the reset value", () => {
    const x = Tensor.fromNumbers("int8", [1, 2], [7, -3]);
    const w = Tensor.fromNumbers("int8", [2, 2], [10, -20, 127, 1]);
    const { graph, feeds } = singleNodeGraph("QSvdfState", [{ value: x }, { value: w, constant: true }], stateAttrs);
    // dot = [10*10, 127*10] = [100, 1270]; scale 0.05*0.01/0.002 = 0.25: [25, 317.5 -> 318].
    expect(Array.from(runGraph(graph, feeds)[0]!.toNumbers())).toEqual([0, 0, 25, 0, 0, 318]);
  });

  it("reduces rank 2 over batch 2 with int8 state and zero points the same in C as in the interpreter", () => {
    const rand = rng(7);
    const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));
    const s = Tensor.fromNumbers("int8", [2, 4 * 5], ints(40, -128, 127));
    const wt = Tensor.fromNumbers("int8", [4, 5], ints(20, -127, 127));
    const b = Tensor.fromNumbers("int32", [2], [-4000, 9000]);
    const attrs = { s_scale: 0.03, s_zero_point: -9, w_scale: [0.004], y_scale: 0.02, y_zero_point: 5, rank: 2 };
    const { graph, feeds } = singleNodeGraph("QSvdfOutput", [{ value: s }, { value: wt, constant: true }, { value: b, constant: true }], attrs);
    const y = runGraph(graph, feeds)[0]!;
    expect(y.shape).toEqual([2, 2]);
    // Unit 0 of batch 0 by hand: filters 0 and 1.
    const sv = s.toNumbers();
    const wv = wt.toNumbers();
    let acc = -4000;
    for (let f = 0; f < 2; f++) for (let j = 0; j < 5; j++) acc += wv[f * 5 + j]! * (sv[f * 5 + j]! + 9);
    const real = Math.min(127, Math.max(-128, Math.round((acc * 0.03 * 0.004) / 0.02) + 5));
    expect(Math.abs(y.toNumbers()[0]! - real)).toBeLessThanOrEqual(1);
    expect(Array.from(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0]!.toNumbers())).toEqual(Array.from(y.toNumbers()));
  });

  it("rejects a rank that does not divide the filters, naming the attribute", () => {
    const s = Tensor.fromNumbers("int16", [1, 6], [1, 2, 3, 4, 5, 6]);
    const wt = Tensor.fromNumbers("int16", [2, 3], [1, 1, 1, 1, 1, 1]);
    const attrs = { s_scale: 0.01, w_scale: [0.01], y_scale: 0.1, y_zero_point: 0, rank: 4 };
    const err = errorOf(() => singleNodeGraph("QSvdfOutput", [{ value: s }, { value: wt, constant: true }], attrs));
    expect(err.message).toMatch(/"rank" must be a positive divisor of the 2 filters/);
  });
});
