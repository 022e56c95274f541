/**
 * Calibration for the K210 target: runs the float program in the reference interpreter on
 * calibration inputs and records each tensor's min/max (union over all inputs, as
 * nncase v0.2 does, §5.3 step 7).
 */
import { fail } from "../../src/errors.js";
import type { Graph } from "../../src/ir/graph.js";
import type { OpRegistry } from "../../src/ir/registry.js";
import { runGraph } from "../../src/interp/run.js";
import { Tensor } from "../../src/ir/tensor.js";
import { seededRandom } from "../../src/util/prng.js";
import type { Range } from "./kpu-quantize.js";

/** min/max per tensor name over every calibration input. */
export function calibrateRanges(program: Graph, samples: readonly (readonly Tensor[])[], ops: OpRegistry): Map<string, Range> {
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
  for (const inputs of samples) runGraph(program, inputs, { ops, visit: observe, purpose: "k210 calibration" });
  return ranges;
}

/** Deterministic uniform [0, 1) inputs (src/util/prng.ts), the CLI's fallback without calibration data. */
export function seededRandomInputs(program: Graph, count: number, seed = 0x4b323130): Tensor[][] {
  const next = seededRandom(seed);
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
