import { expect } from "vitest";
import { buildGraph, runGraph, Tensor, type AttrValue, type DType, type Graph } from "../../src/index.js";
import { compileAndRun, SANITIZE_CFLAGS } from "../support/c-run.js";
import { rng } from "../support/graphs.js";

export { rng };

/**
 * Shared helpers of the quant-* tests: seeded integer tensors and quantization parameters, and a
 * many-node differential harness (one C build for a whole batch of random cases, because each
 * build costs a compiler run) that expects the generated C to equal the TypeScript evaluator bit
 * for bit.
 */

export const randInt = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Uniform integers over [lo, hi] (default the dtype's range). */
export function randomInts(dtype: DType, shape: readonly number[], r: () => number, lo?: number, hi?: number): Tensor {
  const range: Record<string, [number, number]> = { int8: [-128, 127], int16: [-32768, 32767], int32: [-5000, 5000], int64: [-50000, 50000] };
  const [l, h] = [lo ?? range[dtype]![0], hi ?? range[dtype]![1]];
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromNumbers(dtype, shape, Array.from({ length: n }, () => randInt(r, l, h)));
}

/** A scale spread over several octaves, as float32 (the flatbuffer's precision). */
export const randomScale = (r: () => number, lo = 1e-3, hi = 0.5) => Math.fround(lo * (hi / lo) ** r());

export interface QNode {
  readonly op: string;
  /** Input tensors; constants become initializers. */
  readonly inputs: readonly ({ value: Tensor; constant?: boolean } | undefined)[];
  readonly attrs: Record<string, AttrValue>;
}

/** One graph holding every case as an independent node (own inputs, own output). */
export function multiNodeGraph(cases: readonly QNode[]): { graph: Graph; feeds: Tensor[] } {
  const constants = new Map<string, Tensor>();
  const feeds: Tensor[] = [];
  const rawInputs: { name: string; dtype: DType; dims: number[] }[] = [];
  const nodes = cases.map((c, k) => {
    const names = c.inputs.map((inp, i) => {
      if (!inp) return "";
      const name = `c${k}_in${i}`;
      if (inp.constant) constants.set(name, inp.value);
      else {
        rawInputs.push({ name, dtype: inp.value.dtype, dims: [...inp.value.shape] });
        feeds.push(inp.value);
      }
      return name;
    });
    return { name: `case_${k}`, op: c.op, inputs: names, outputs: [`c${k}_out`], attrs: c.attrs };
  });
  const graph = buildGraph({ name: "quant_cases", opset: 17, inputs: rawInputs, outputs: cases.map((_, k) => `c${k}_out`), constants, nodes });
  return { graph, feeds };
}

/** Runs every case through the evaluator and the generated C; all outputs must be identical. */
export function expectCEqualsEvaluator(cases: readonly QNode[]): Tensor[] {
  const { graph, feeds } = multiNodeGraph(cases);
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, { cflags: SANITIZE_CFLAGS });
  expect(got.length).toBe(ref.length);
  got.forEach((t, i) => {
    expect(t.shape, `case ${i} (${cases[i]!.op}) shape`).toEqual(ref[i]!.shape);
    expect(Array.from(t.toNumbers()), `case ${i} (${cases[i]!.op} ${JSON.stringify(cases[i]!.attrs)})`).toEqual(Array.from(ref[i]!.toNumbers()));
  });
  return ref;
}

/** Evaluates one node with the TypeScript evaluator. */
export function evaluateOne(c: QNode): Tensor {
  const { graph, feeds } = multiNodeGraph([c]);
  return runGraph(graph, feeds)[0]!;
}
