/**
 * Calibration for the K210 target: runs the float program with the reference interpreter's
 * evaluators on calibration inputs and records each tensor's min/max (union over all inputs, as
 * nncase v0.2 does, §5.3 step 7).
 */
import { fail } from "../../src/errors.js";
import { nodeLabel, type Graph } from "../../src/ir/graph.js";
import { getOp } from "../../src/ir/registry.js";
import { Tensor } from "../../src/ir/tensor.js";
import type { Range } from "./kpu-quantize.js";

/** min/max per tensor name over every calibration input. */
export function calibrateRanges(program: Graph, samples: readonly (readonly Tensor[])[]): Map<string, Range> {
  if (samples.length === 0) fail("bad-option", "k210 calibration", "needs at least one calibration input");
  const ranges = new Map<string, Range>();
  const observe = (name: string, t: Tensor) => {
    if (t.dtype !== "float32") return;
    let min = ranges.get(name)?.min ?? Infinity;
    let max = ranges.get(name)?.max ?? -Infinity;
    for (const v of t.data as Float32Array) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    ranges.set(name, { min, max });
  };
  for (const inputs of samples) {
    const env = new Map<string, Tensor>(program.constants);
    program.inputs.forEach((decl, i) => {
      const t = inputs[i];
      if (t === undefined) fail("bad-option", "k210 calibration", `a calibration sample has no tensor for input "${decl.name}"`);
      env.set(decl.name, t);
      observe(decl.name, t);
    });
    for (const node of program.nodes) {
      const op = getOp(node.op) ?? fail("unsupported-op", nodeLabel(node), "not in the op registry");
      const results = op.evaluate(node, node.inputs.map((n) => (n === "" ? undefined : env.get(n))));
      node.outputs.forEach((o, i) => {
        if (o === "") return;
        env.set(o, results[i]!);
        observe(o, results[i]!);
      });
    }
  }
  return ranges;
}

/** Deterministic uniform [0, 1) inputs (mulberry32), the CLI's fallback without calibration data. */
export function seededRandomInputs(program: Graph, count: number, seed = 0x4b323130): Tensor[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const samples: Tensor[][] = [];
  for (let s = 0; s < count; s++) {
    samples.push(
      program.inputs.map((decl) => {
        if (decl.dtype !== "float32") fail("unsupported-dtype", `input "${decl.name}"`, `the k210 target quantises float32 inputs, got ${decl.dtype}`);
        const n = decl.shape.reduce((a, b) => a * b, 1);
        return Tensor.fromNumbers("float32", decl.shape, Array.from({ length: n }, next));
      }),
    );
  }
  return samples;
}
