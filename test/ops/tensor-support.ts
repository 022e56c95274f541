import { expect } from "vitest";
import { buildGraph, runGraph, Tensor, type AttrValue, type DType, type Node } from "../../src/index.js";
import { compileAndRun } from "../support/c-run.js";
import { rng, type TestInput } from "../support/graphs.js";

/**
 * Helpers of the tensor-layout op tests. These ops move bytes, so the generated C must agree
 * with the interpreter bit for bit; and since compiling C is the slow part, many single-node
 * cases are packed into one graph and one compiler run.
 */

/** One single-node case of a packed graph. */
export interface NodeCase {
  readonly op: string;
  readonly inputs: readonly (TestInput | undefined)[];
  readonly attrs?: Record<string, AttrValue>;
  /** Output count, or names with "" for unused outputs (default: one output). */
  readonly outputs?: number | readonly boolean[];
}

/**
 * Builds one graph holding every case side by side (case i's tensors are prefixed `c<i>_`),
 * runs the interpreter and the generated C (optionally with extra CFLAGS such as sanitizers),
 * and expects identical bytes for every output. Returns each case's reference outputs.
 */
export function expectCasesMatchC(cases: readonly NodeCase[], opset = 17, cflags?: string): Tensor[][] {
  const constants = new Map<string, Tensor>();
  const rawInputs: { name: string; dtype: DType; dims: number[] }[] = [];
  const feeds: Tensor[] = [];
  const nodes: Node[] = [];
  const outputsOf: string[][] = [];
  cases.forEach((c, i) => {
    const names = c.inputs.map((inp, j) => {
      if (!inp) return "";
      const name = `c${i}_in${j}`;
      if (inp.constant) constants.set(name, inp.value);
      else {
        rawInputs.push({ name, dtype: inp.value.dtype, dims: [...inp.value.shape] });
        feeds.push(inp.value);
      }
      return name;
    });
    const used = typeof c.outputs === "object" ? c.outputs : new Array<boolean>(c.outputs ?? 1).fill(true);
    const outs = used.map((u, k) => (u ? `c${i}_out${k}` : ""));
    outputsOf.push(outs.filter((o) => o !== ""));
    nodes.push({ name: `${c.op.toLowerCase()}_${i}`, op: c.op, inputs: names, outputs: outs, attrs: c.attrs ?? {} });
  });
  const graph = buildGraph({ name: "tensor_cases", opset, inputs: rawInputs, outputs: outputsOf.flat(), constants, nodes });
  const ref = runGraph(graph, feeds);
  const got = compileAndRun(graph, feeds, cflags === undefined ? {} : { cflags });
  got.forEach((t, i) => {
    expect(t.shape, `output ${graph.outputs[i]!.name}`).toEqual(ref[i]!.shape);
    expect(Array.from(t.bytes()), `output ${graph.outputs[i]!.name}`).toEqual(Array.from(ref[i]!.bytes()));
  });
  let next = 0;
  return outputsOf.map((outs) => ref.slice(next, (next += outs.length)));
}

/** Deterministic pseudo-random tensor of any dtype, covering signs and large values. */
export function seeded(dtype: DType, shape: readonly number[], seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((x, y) => x * y, 1);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    vals[i] = dtype === "bool" ? (u < 0.5 ? 0 : 1) : dtype.startsWith("float") ? (u - 0.5) * 200 : Math.floor((u - 0.5) * 2e6);
  }
  if (dtype === "int64") {
    // Values beyond 2^53 prove that no path goes through doubles.
    const t = Tensor.fromNumbers(dtype, shape, vals);
    const big = t.data as BigInt64Array;
    for (let i = 0; i < big.length; i++) big[i] = big[i]! * 1000003n * 1000003n * 1000003n;
    return t;
  }
  return Tensor.fromNumbers(dtype, shape, vals);
}

/** A runtime input. */
export function input(value: Tensor): TestInput {
  return { value };
}

/** A constant (initializer) input. */
export function constant(value: Tensor): TestInput {
  return { value, constant: true };
}

/**
 * int64 tensor (shapes, axes, pads...). Give bigints for values beyond 2^53 such as INT64_MAX:
 * a double like 9223372036854775807 rounds up to 2^63 and would wrap to INT64_MIN.
 */
export function i64(values: readonly (number | bigint)[], shape: readonly number[] = [values.length]): Tensor {
  return new Tensor("int64", shape, BigInt64Array.from(values, (v) => BigInt(v)));
}

/** float32 tensor 0, 1, 2, ... of a shape (easy to read in expected values). */
export function iota(shape: readonly number[], dtype: DType = "float32"): Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  return Tensor.fromNumbers(dtype, shape, Array.from({ length: n }, (_, i) => i));
}

export function valuesOf(t: Tensor | undefined): number[] {
  return Array.from(t!.toNumbers());
}

/** Runs a single node on the interpreter through the full build (constInputs, canonicalize). */
export function interpretNode(c: NodeCase, opset = 17): Tensor[] {
  const constants = new Map<string, Tensor>();
  const rawInputs: { name: string; dtype: DType; dims: number[] }[] = [];
  const feeds: Tensor[] = [];
  const names = c.inputs.map((inp, j) => {
    if (!inp) return "";
    const name = `in${j}`;
    if (inp.constant) constants.set(name, inp.value);
    else {
      rawInputs.push({ name, dtype: inp.value.dtype, dims: [...inp.value.shape] });
      feeds.push(inp.value);
    }
    return name;
  });
  const used = typeof c.outputs === "object" ? c.outputs : new Array<boolean>(c.outputs ?? 1).fill(true);
  const outs = used.map((u, k) => (u ? `out${k}` : ""));
  const graph = buildGraph({
    name: "one",
    opset,
    inputs: rawInputs,
    outputs: outs.filter((o) => o !== ""),
    constants,
    nodes: [{ name: `${c.op.toLowerCase()}_0`, op: c.op, inputs: names, outputs: outs, attrs: c.attrs ?? {} }],
  });
  return runGraph(graph, feeds);
}

/** Expects building the node to throw an EgretError that names it and matches `message`. */
export function expectNodeError(c: NodeCase, message: RegExp, opset = 17): void {
  let caught: unknown;
  try {
    interpretNode(c, opset);
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected an error").toBeInstanceOf(Error);
  const err = caught as Error & { code?: string };
  expect(err.name).toBe("EgretError");
  expect(err.message).toContain(`node "${c.op.toLowerCase()}_0" (${c.op})`);
  expect(err.message).toMatch(message);
}
