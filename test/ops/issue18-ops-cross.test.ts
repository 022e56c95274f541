import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { harnessDir } from "../../backends/cortex-m/files.js";
import { buildGraph, compile, Tensor, writeOutputDir, type AttrValue, type Graph } from "../../src/index.js";
import { randomTensor } from "../support/graphs.js";

/**
 * The kernels of the operators added for issue 18 (Mod, BitShift, Trilu, CumSum, GatherND,
 * ScatterElements, TopK, OneHot, Einsum, Shrink, MeanVarianceNormalization, Det, Compress,
 * ReverseSequence, DFT, STFT, the losses, BitCast) cross-compile for Cortex-M with the generated
 * Makefile's strict flags (-std=c99 -Wall -Wextra -Werror), with and without an FPU.
 */
const work = mkdtempSync(join(tmpdir(), "egret-issue18-cross-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function everyNewKernel(): Graph {
  const f = randomTensor([2, 4, 6], 1);
  const signal = randomTensor([1, 32, 1], 2);
  const u8 = Tensor.fromNumbers("uint8", [6], [1, 2, 3, 4, 5, 6]);
  const i32 = Tensor.fromNumbers("int32", [2, 4, 6], Array.from({ length: 48 }, (_, i) => i - 20));
  const idx = Tensor.fromNumbers("int64", [2, 1], [1, 0]);
  const labels = Tensor.fromNumbers("int64", [2, 6], [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  const inputs = { f, signal, u8, i32, idx, labels };
  const k = (name: string, t: Tensor): [string, Tensor] => [name, t];
  const constants = new Map([
    k("two", Tensor.scalar("int64", 2)),
    k("axis1", Tensor.scalar("int64", 1)),
    k("step", Tensor.scalar("int64", 4)),
    k("flen", Tensor.scalar("int64", 8)),
    k("cond", Tensor.fromNumbers("bool", [4], [1, 0, 1, 1])),
    k("onoff", Tensor.fromNumbers("float32", [2], [0, 1])),
    k("depth", Tensor.scalar("int64", 5)),
    k("lens", Tensor.fromNumbers("int64", [4], [1, 2, 3, 4])),
  ]);
  const node = (op: string, ins: string[], attrs: Record<string, AttrValue> = {}, outs = 1) => ({ op, ins, attrs, outs });
  const nodes = [
    node("Mod", ["i32", "i32"], { fmod: 0 }),
    node("BitShift", ["u8", "u8"], { direction: "LEFT" }),
    node("Trilu", ["f", "two"]),
    node("CumSum", ["f", "axis1"], { reverse: 1 }),
    node("GatherND", ["f", "idx"]),
    node("ScatterElements", ["f", "labels3", "upd"], { axis: 1, reduction: "add" }),
    node("TopK", ["f", "two"], { axis: -1 }, 2),
    node("OneHot", ["idx", "depth", "onoff"]),
    node("Einsum", ["f", "f"], { equation: "bij,bkj->bik" }),
    node("Shrink", ["f"], { lambd: 0.2, bias: 0.1 }),
    node("MeanVarianceNormalization", ["f"], { axes: [0, 2] }),
    node("Det", ["sq"]),
    node("Compress", ["f", "cond"], { axis: 1 }),
    node("ReverseSequence", ["f2", "lens"], { batch_axis: 0, time_axis: 1 }),
    node("DFT", ["signal"], { onesided: 1 }),
    node("DFT", ["half"], { inverse: 1, onesided: 1 }),
    node("STFT", ["signal", "step", "", "flen"]),
    node("NegativeLogLikelihoodLoss", ["f", "labels"], { reduction: "mean" }),
    node("SoftmaxCrossEntropyLoss", ["f", "labels"], { reduction: "sum" }, 2),
    node("BitCast", ["i32"], { to: 1 }),
  ];
  // Helper tensors computed in the graph, so the ops above see run-time values.
  const helpers = [
    { name: "labels3_node", op: "Unsqueeze", inputs: ["labels", "one_axis"], outputs: ["labels3u"], attrs: {} },
    { name: "labels3_expand", op: "Expand", inputs: ["labels3u", "shape3"], outputs: ["labels3"], attrs: {} },
    { name: "sq_node", op: "Slice", inputs: ["f", "zero", "four", "two_axis"], outputs: ["sq"], attrs: {} },
    { name: "upd_node", op: "Slice", inputs: ["f", "zero", "two1", "one_axis"], outputs: ["upd"], attrs: {} },
    { name: "f2_node", op: "Reshape", inputs: ["f", "shape2"], outputs: ["f2"], attrs: {} },
    { name: "half_node", op: "DFT", inputs: ["signal"], outputs: ["half"], attrs: { onesided: 1 } },
  ];
  constants.set("one_axis", Tensor.fromNumbers("int64", [1], [1]));
  constants.set("shape3", Tensor.fromNumbers("int64", [3], [2, 2, 6]));
  constants.set("zero", Tensor.fromNumbers("int64", [1], [0]));
  constants.set("four", Tensor.fromNumbers("int64", [1], [4]));
  constants.set("two1", Tensor.fromNumbers("int64", [1], [2]));
  constants.set("two_axis", Tensor.fromNumbers("int64", [1], [2]));
  constants.set("shape2", Tensor.fromNumbers("int64", [2], [4, 12]));
  const outputs: string[] = [];
  const irNodes = nodes.map((n, i) => {
    const outs = Array.from({ length: n.outs }, (_, j) => `y${i}_${j}`);
    outputs.push(...outs);
    return { name: `n${i}_${n.op}`, op: n.op, inputs: n.ins, outputs: outs, attrs: n.attrs };
  });
  return buildGraph({
    name: "issue18_kernels",
    opset: 17,
    inputs: Object.entries(inputs).map(([name, t]) => ({ name, dtype: t.dtype, dims: [...t.shape] })),
    outputs,
    constants,
    nodes: [...helpers, ...irNodes],
  });
}

describe("issue-18 operators cross-compile for Cortex-M", () => {
  const graph = everyNewKernel();
  for (const target of ["cortex-m4", "cortex-m0plus"]) {
    it(`${target}: model.c with every new kernel builds runner.elf with -Werror`, () => {
      const result = compile(graph, { target });
      for (const op of ["Mod", "BitShift", "Trilu", "TopK", "Einsum", "STFT", "SoftmaxCrossEntropyLoss"]) {
        expect(result.graph.nodes.some((n) => n.op === op), `${op} reaches the C`).toBe(true);
      }
      const dir = join(work, target);
      writeOutputDir(dir, result.files);
      expect(result.files.get("harness/Makefile")).toContain("-Werror");
      execFileSync("make", ["-s", "-C", harnessDir(dir), "runner.elf"], { stdio: ["ignore", "pipe", "pipe"] });
      expect(execFileSync("arm-none-eabi-readelf", ["-h", join(harnessDir(dir), "runner.elf")], { encoding: "utf8" })).toContain("ARM");
    });
  }
});
