import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGraph, runGraph, Tensor } from "../../src/index.js";
import { importTflite, readTflite } from "../../src/importers/tflite/index.js";
import { sigmoid16, tanh16 } from "../../src/ir/ops/quant/lut16.js";
import { runBatchC } from "../support/batch-run.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { errorOf } from "../support/errors.js";
import { rng, singleNodeGraph } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";

/**
 * TFLite's integer UNIDIRECTIONAL_SEQUENCE_LSTM against TFLite Micro: the dtln example
 * (../shared/models/tflite/tflm-examples/dtln), whose dtln_test.cc requires the output to equal
 * golden_ref exactly for feature_data, plus unit checks of the int16 LUT activations and of QLstm's
 * C kernel against the evaluator on multi-step, multi-batch sequences.
 */
const useShared = sharedFor("the DTLN LSTM comparison with TFLite Micro's golden_ref");

const DTLN = "models/tflite/tflm-examples/dtln";

/** A `name[] = { ... };` C array of numbers from a .cc/.h file. */
function cArray(text: string, name: string): number[] {
  const at = text.lastIndexOf(`${name}[] = {`);
  if (at < 0) throw new Error(`no array ${name} in the file`);
  const body = text.slice(text.indexOf("{", at) + 1, text.indexOf("}", at));
  return body.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
}

/** The model, or with `steps` > 1 the same model over a sequence of `steps` frames (the file fixes 1). */
function loadDtln(root: string, steps = 1) {
  const bytes = new Uint8Array(readFileSync(join(root, DTLN, "dtln_noise_suppression.tflite")));
  const raw = readTflite(bytes, "dtln_noise_suppression.tflite");
  const graph = steps === 1 ? importTflite(bytes, "dtln_noise_suppression.tflite") : buildGraph({ ...raw, inputs: raw.inputs.map((i) => ({ ...i, dims: [1, steps, 257] })) });
  const text = readFileSync(join(root, DTLN, "dtln_inout_data.cc"), "utf8");
  return { graph, features: cArray(text, "feature_data"), golden: cArray(text, "golden_ref") };
}

describe("TFLite DTLN (integer LSTM) vs TFLite Micro", () => {
  it("reproduces dtln_test.cc's golden_ref exactly from feature_data (interpreter and C under sanitizers)", (ctx) => {
    const shared = useShared(ctx);
    const { graph, features, golden } = loadDtln(shared);
    expect(graph.nodes.filter((n) => n.op === "QLstm")).toHaveLength(2);
    expect(golden).toHaveLength(257);
    const x = Tensor.fromNumbers("int8", [1, 1, 257], features);
    const interp = Array.from(runGraph(graph, [x])[0]!.toNumbers());
    const c = Array.from(compileAndRun(graph, [x], { cflags: SANITIZE_CFLAGS })[0]!.toNumbers());
    const exact = (y: number[]) => y.filter((v, i) => v === golden[i]).length;
    console.log(`dtln: ${exact(interp)}/257 outputs equal golden_ref through the interpreter, ${exact(c)}/257 through the C`);
    expect(interp).toEqual(golden);
    expect(c).toEqual(golden);
  });

  it("keeps the LSTM states across C runs: two runs equal one two-step sequence through the interpreter", (ctx) => {
    const shared = useShared(ctx);
    const { graph, features } = loadDtln(shared);
    const second = features.map((v, i) => (i % 3 === 0 ? Math.min(127, v + 40) : v));
    const sequence = loadDtln(shared, 2).graph;
    const expected = Array.from(runGraph(sequence, [Tensor.fromNumbers("int8", [1, 2, 257], [...features, ...second])])[0]!.toNumbers());
    const c = Array.from(new Int8Array(runBatchC(graph, new Uint8Array(new Int8Array([...features, ...second]).buffer), 2).buffer));
    expect(c.slice(257)).not.toEqual(c.slice(0, 257));
    expect(c).toEqual(expected);
  });
});

describe("int16 LUT sigmoid and tanh (TFLite's reference_integer_ops)", () => {
  it("follow the real functions on Q3.12 inputs within 2^-10, and saturate at the ends", () => {
    for (let x = -32768; x <= 32767; x += 97) {
      expect(Math.abs(sigmoid16(x, 0, 0) / 32768 - 1 / (1 + Math.exp(-x / 4096))), `sigmoid(${x})`).toBeLessThan(2 ** -10);
      expect(Math.abs(tanh16(x, 0, 0) / 32768 - Math.tanh(x / 4096)), `tanh(${x})`).toBeLessThan(2 ** -10);
    }
    // Past the table (|3x << shift| >> 9 >= 255) both saturate to their constant extremes.
    expect(sigmoid16(32767, 0, 2)).toBe(32767);
    expect(sigmoid16(30000, 0, 2)).toBe(32767);
    expect(tanh16(32767, 0, 0)).toBe(32767);
    expect(tanh16(-32768, 0, 0)).toBe(-32767);
    // A Q4.11 input (left shift 1) reads the same raw value as twice as large.
    expect(tanh16(2048, 0, 1)).toBe(tanh16(4096, 0, 0));
  });
});

describe("QLstm", () => {
  function lstmGraph(timeMajor: number, seed: number, cellClip = 0) {
    const rand = rng(seed);
    const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo + 1)));
    const [B, T, I, S] = [2, 3, 5, 4];
    const x = Tensor.fromNumbers("int8", timeMajor ? [T, B, I] : [B, T, I], ints(B * T * I, -128, 127));
    const w = Array.from({ length: 8 }, (_, k) => ({ value: Tensor.fromNumbers("int8", [S, k < 4 ? I : S], ints(S * (k < 4 ? I : S), -127, 127)), constant: true }));
    const b = Array.from({ length: 4 }, () => ({ value: Tensor.fromNumbers("int32", [S], ints(S, -3000, 3000)), constant: true }));
    const attrs = {
      x_scale: 0.05, x_zero_point: -7, w_scale: [0.02, 0.03, 0.025, 0.02, 0.03, 0.02, 0.04, 0.03],
      h_scale: 0.008, h_zero_point: -3, c_scale: 2 ** -11, cell_clip: cellClip, time_major: timeMajor, cell_activation: "tanh", state: "s",
    };
    return singleNodeGraph("QLstm", [{ value: x }, ...w, ...b], attrs);
  }

  it.each([[0, 0], [1, 0], [0, 0.5]])("runs a 3-step, 2-batch sequence (time_major %i, cell_clip %s) the same in C as in the interpreter", (timeMajor, clip) => {
    const { graph, feeds } = lstmGraph(timeMajor, 11 + timeMajor, clip);
    const y = runGraph(graph, feeds)[0]!;
    expect(y.shape).toEqual(timeMajor ? [3, 2, 4] : [2, 3, 4]);
    // The hidden state feeds back: later steps differ from what a fresh state would give.
    expect(new Set(Array.from(y.toNumbers())).size).toBeGreaterThan(2);
    expect(Array.from(compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS })[0]!.toNumbers())).toEqual(Array.from(y.toNumbers()));
  });

  it("rejects a cell scale that is not a power of two, naming the attribute", () => {
    const { graph, feeds } = lstmGraph(0, 3);
    const node = graph.nodes[0]!;
    const err = errorOf(() => singleNodeGraph("QLstm", [{ value: feeds[0]! }, ...node.inputs.slice(1).map((n) => ({ value: graph.constants.get(n)!, constant: true }))], { ...node.attrs, c_scale: 0.0003 }));
    expect(err.message).toMatch(/"c_scale" must be a power of two/);
  });
});
