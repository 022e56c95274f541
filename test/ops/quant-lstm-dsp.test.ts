import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { lstmLayer, type LstmShape } from "../../bench/constructed-lstm.js";
import { lstmCycles } from "../../backends/cortex-m/lstm-cost.js";
import { LSTM_DSP_OPS } from "../../backends/cortex-m/ops/lstm-dsp.js";
import { CORTEX_M_VARIANTS } from "../../backends/cortex-m/variants.js";
import { buildGraph, compile, runGraph, type Graph, type Tensor } from "../../src/index.js";
import { RUNTIME_C_DIR } from "../../src/paths.js";
import { buildAndRunAsync, SANITIZE_CFLAGS } from "../support/c-run.js";
import { CHILD_TIMEOUT_MS } from "../support/timeouts.js";
import { multiNodeGraph, type QNode } from "./quant-support.js";

/**
 * The Armv7E-M LSTM kernel (runtime-c/kernels/qlstm_i8_dsp.c, op QLstmDsp) against the generic
 * integer LSTM (qlstm_i8.c): constructed layers (bench/constructed-lstm.ts) of several shapes, each
 * as two nodes of one graph (generic op and DSP twin on the same input and weights, own state), the
 * host C (portable path of the DSP wrappers) under ASan/UBSan equal to each other and to the
 * evaluator. Shapes of fewer than 8 rows (B x T) take the int8 weights (odd feature and unit
 * counts exercise the k % 4 tails), the others the int16 weights (padded to 8 columns); cell clip,
 * sigmoid cell gate, time-major and batch 2 the generic kernel's options. Native SMLAD under QEMU:
 * test/backends/cortex-m-lstm.test.ts.
 */

const execFileAsync = promisify(execFile);

const SHAPES: readonly LstmShape[] = [
  { features: 1, units: 4, steps: 1 },
  { features: 40, units: 64, steps: 3 },
  { features: 3, units: 5, steps: 25 },
  { features: 13, units: 7, steps: 9, cellClip: 0.5 },
  { features: 22, units: 18, steps: 6, cellActivation: "sigmoid" },
  { features: 9, units: 33, steps: 4, timeMajor: true, batch: 2 },
  { features: 37, units: 10, steps: 5, batch: 2 },
];

function lstmCase(shape: LstmShape, seed: number, op: string, state: string): QNode {
  const layer = lstmLayer(shape, seed);
  return { op, inputs: [{ value: layer.x }, ...layer.constants.map((value) => ({ value, constant: true }))], attrs: { ...layer.attrs, state } };
}

/** Per shape a QLstmDsp node and a QLstm node on the same input and weights (own state each): outputs dsp0, generic0, dsp1, ... */
function pairGraph(shapes: readonly LstmShape[]): { graph: Graph; feeds: Tensor[] } {
  const constants = new Map<string, Tensor>();
  const feeds: Tensor[] = [];
  const nodes = shapes.flatMap((shape, k) => {
    const layer = lstmLayer(shape, 100 + k);
    feeds.push(layer.x);
    const names = layer.constants.map((t, i) => {
      constants.set(`l${k}_c${i}`, t);
      return `l${k}_c${i}`;
    });
    const node = (op: string, kind: string) => ({ name: `${kind}${k}`, op, inputs: [`x${k}`, ...names], outputs: [`${kind}${k}_out`], attrs: { ...layer.attrs, state: `${kind}${k}` } });
    return [node("QLstmDsp", "dsp"), node("QLstm", "generic")];
  });
  const inputs = feeds.map((x, k) => ({ name: `x${k}`, dtype: x.dtype, dims: [...x.shape] }));
  return { graph: buildGraph({ name: "lstm_pairs", opset: 17, inputs, outputs: nodes.map((n) => n.outputs[0]!), constants, nodes }), feeds };
}

describe("QLstmDsp equals the generic integer LSTM bit for bit (host build, portable path)", () => {
  it("7 shapes: 1..40 features, 4..64 units, 1..25 steps, odd tails, clip, sigmoid cell gate, time-major, batch 2", async () => {
    const { graph, feeds } = pairGraph(SHAPES);
    const program = compile(graph);
    const modelC = program.files.get("model.c") ?? "";
    expect(modelC.split("eg_qlstm_i8_dsp(").length - 1, "one DSP call per shape").toBe(SHAPES.length);
    const c = await buildAndRunAsync(program.files, graph.outputs, feeds, { cflags: SANITIZE_CFLAGS });
    const ref = runGraph(graph, feeds);
    SHAPES.forEach((s, i) => {
      const fast = Array.from(c[2 * i]!.toNumbers());
      expect(fast, `shape ${JSON.stringify(s)}: DSP vs generic C`).toEqual(Array.from(c[2 * i + 1]!.toNumbers()));
      expect(fast, `shape ${JSON.stringify(s)}: DSP vs the evaluator`).toEqual(Array.from(ref[2 * i]!.toNumbers()));
      expect(new Set(fast).size, `shape ${JSON.stringify(s)}: hidden values spread`).toBeGreaterThan(Math.min(3, fast.length - 1));
    });
  });

  it("int16 weights and scratch 2 * (I + S) (each padded to 8) from 8 rows (B x T) on; below, int8 weights and no scratch", () => {
    const w = (shape: LstmShape) => ({ dtype: "int8" as const, shape: [shape.units, shape.features] });
    const x = (shape: LstmShape) => ({ dtype: "int8" as const, shape: [shape.batch ?? 1, shape.steps, shape.features] });
    for (const [shape, bytes] of [[SHAPES[3]!, 2 * (16 + 8)], [SHAPES[5]!, 2 * (16 + 40)], [SHAPES[4]!, 0], [SHAPES[1]!, 0]] as const) {
      const { graph } = pairGraph([shape]);
      const node = graph.nodes.find((n) => n.op === "QLstmDsp")!;
      expect(LSTM_DSP_OPS[0]!.scratchBytes!(node, [x(shape), w(shape)], []), JSON.stringify(shape)).toBe(bytes);
      const modelC = compile(graph).files.get("model.c") ?? "";
      const call = /eg_qlstm_i8_dsp\(([^;]*)\);/.exec(modelC)![1]!;
      expect(call.includes("NULL"), JSON.stringify(shape)).toBe(bytes === 0);
      expect(modelC.includes("int16_t v["), JSON.stringify(shape)).toBe(bytes > 0);
    }
  });

  it("refuses gate weights computed at run time, naming the node, the tensor and the generic op", () => {
    const c = lstmCase(SHAPES[0]!, 5, "QLstmDsp", "d");
    const runtime: QNode = { ...c, inputs: c.inputs.map((inp, k) => (k === 6 && inp ? { value: inp.value } : inp)) };
    const { graph } = multiNodeGraph([runtime]);
    expect(() => compile(graph)).toThrow(/node "c0_out" \(QLstmDsp\): QLstmDsp needs constant gate weights \(tensor "c0_in6" is computed at run time\); use QLstm/);
  });
});

describe("cortex-m4 prices of the LSTM kernels", () => {
  it("prices the DSP kernel below the generic one on every tested shape, and nothing else", () => {
    const v = (dtype: "int8" | "int32", shape: number[]) => ({ dtype, shape });
    for (const s of SHAPES) {
      const B = s.batch ?? 1;
      const inputs = [v("int8", s.timeMajor ? [s.steps, B, s.features] : [B, s.steps, s.features]), ...new Array<number>(4).fill(0).map(() => v("int8", [s.units, s.features])), ...new Array<number>(4).fill(0).map(() => v("int8", [s.units, s.units]))];
      expect(lstmCycles("QLstmDsp", inputs)!).toBeLessThan(lstmCycles("QLstm", inputs)!);
    }
    expect(lstmCycles("QFullyConnected", [v("int8", [1, 4])])).toBeUndefined();
  });
});

describe("qlstm_i8_dsp cross-compiles with -Werror for every Cortex-M variant at -O0, -Os and -O2", () => {
  const variants = CORTEX_M_VARIANTS.map((v) => ({ name: v.name, flags: v.archFlags.split(" "), dsp: v.dsp }));
  it.each(variants)("$name (SMLAD used only with the DSP extension)", async (v) => {
    const dir = mkdtempSync(join(tmpdir(), "egret-lstm-x-"));
    try {
      for (const level of ["-O0", "-Os", "-O2"]) {
        const obj = join(dir, `lstm${level}.o`);
        await execFileAsync("arm-none-eabi-gcc", [
          ...v.flags, level, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
          "-I", RUNTIME_C_DIR, "-I", join(RUNTIME_C_DIR, "kernels"), "-c", join(RUNTIME_C_DIR, "kernels", "qlstm_i8_dsp.c"), "-o", obj,
        ], { timeout: CHILD_TIMEOUT_MS });
        const asm = (await execFileAsync("arm-none-eabi-objdump", ["-d", obj], { maxBuffer: 1 << 24, timeout: CHILD_TIMEOUT_MS })).stdout;
        expect(/\bsmlad\b/.test(asm), `${v.name} at ${level}`).toBe(v.dsp);
        // -O2 takes the asm loop (LDM of the int16 weights); -O0 and -Os the C loop of the same wrappers.
        if (v.dsp && level === "-O2") expect(asm, `${v.name} at ${level}`).toMatch(/\bldmia?(\.w)?\s+r\d+!, \{r8, r9, sl, fp\}/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
