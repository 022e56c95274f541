/**
 * `npm run bench:patch-bands`: patch-based execution (QPatchBands, issue 16 item 2) on the int8
 * TFLM / MLPerf Tiny models. For person_detect on Cortex-M4 under QEMU at SRAM budgets of none,
 * 64k, 32k, 27,648 (half the layer-wise bound), 24k and 16k: the program chosen, its arena, its
 * instructions per inference against the unconstrained program's (measured in the same run), its
 * patch MACs against the same layers run once, and bit-exactness with the TFLM golden output. A
 * budget no candidate meets prints the compiler's error (the smallest arena reachable). Then
 * kws_ref_model at none, 8,000 (half its layer-wise bound) and 6k. Asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EgretError } from "../src/errors.js";
import { egret, OPS, type Graph } from "../src/index.js";
import type { OpDef } from "../src/ir/op.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { Measurement } from "../src/pipeline/target.js";

const SHARED = join(PACKAGE_ROOT, "..", "shared");
const TARGET = "cortex-m4";

function load(path: string): Graph {
  return egret.importModelFile(join(SHARED, "models", "tflite", path));
}

/** An op of the library's registry (the bench measures only ops it compiles). */
function op(name: string): OpDef {
  const def = OPS.get(name);
  if (def === undefined) throw new Error(`internal: op ${name} is not in the library's registry`);
  return def;
}

/** MACs of the program's patch nodes and of the layers they hold, run once over whole tensors. */
function patchMacs(program: Graph): { patched: number; plain: number; chains: string[] } {
  let patched = 0;
  let plain = 0;
  const chains: string[] = [];
  for (const node of program.nodes.filter((n) => n.op === "QPatchBands")) {
    const infos = node.inputs.map((n) => (n === "" ? undefined : program.values.get(n)));
    patched += op("QPatchBands").macs?.(node, infos, []) ?? 0;
    const stages = JSON.parse(String(node.attrs["stages"])) as { op: string }[];
    chains.push(`${stages.length} layers, ${String(node.attrs["band_rows"])} rows/band`);
    plain += wholeMacs(program, node);
  }
  return { patched, plain, chains };
}

/** The patch node's layers as whole-tensor nodes: their MACs. */
function wholeMacs(program: Graph, node: Graph["nodes"][number]): number {
  const stages = JSON.parse(String(node.attrs["stages"])) as { op: string; attrs: Record<string, never>; extraInputs: number }[];
  let macs = 0;
  let x = program.values.get(node.inputs[0]!)!;
  let at = 1;
  for (const s of stages) {
    const extras = node.inputs.slice(at, at + s.extraInputs).map((n) => (n === "" ? undefined : program.values.get(n)));
    at += s.extraInputs;
    const stage = { name: "layer", op: s.op, inputs: ["x", ...extras.map((e, k) => (e === undefined ? "" : `e${k}`))], outputs: ["y"], attrs: s.attrs };
    const [y] = op(s.op).infer(stage, [x, ...extras]);
    macs += op(s.op).macs?.(stage, [x, ...extras], [y!]) ?? 0;
    x = y!;
  }
  return macs;
}

function budgetTable(name: string, path: string, layerwise: number, budgets: readonly (number | undefined)[]): void {
  const graph = load(path);
  const golden = join(SHARED, "golden", name);
  const input = new Uint8Array(readFileSync(join(golden, "input_0.bin")));
  const want = new Uint8Array(readFileSync(join(golden, "output_0.bin")));
  const work = mkdtempSync(join(tmpdir(), "egret-patch-bench-"));
  console.log(`${name} int8 on ${TARGET} (QEMU), layer-wise bound ${layerwise} B`);
  console.log("| budget | program | arena B | instructions | vs unconstrained | patch MACs vs plain | bit-exact |");
  console.log("|---|---|---|---|---|---|---|");
  let base: number | undefined;
  try {
    for (const budget of budgets) {
      let m: Measurement;
      try {
        const request = { kernels: "optimised" as const, sourceName: name, perOp: false, inputs: [input], inferences: 3, dir: join(work, String(budget ?? "none")) };
        m = egret.measure(graph, TARGET, { ...request, ...(budget === undefined ? {} : { sramBudget: budget }) });
      } catch (e) {
        if (!(e instanceof EgretError)) throw e;
        console.log(`| ${budget} | none fits: ${e.message} | | | | | |`);
        continue;
      }
      base ??= m.instructionsPerInference;
      const macs = patchMacs(m.program);
      const program = macs.chains.length === 0 ? "layer by layer" : `patched (${macs.chains.join("; ")})`;
      const exact = m.outputs[0]!.every((v, i) => v === want[i]) && m.outputs[0]!.length === want.length;
      const macRatio = macs.plain === 0 ? "-" : `${macs.patched} / ${macs.plain} = x${(macs.patched / macs.plain).toFixed(3)}`;
      console.log(`| ${budget ?? "none"} | ${program} | ${m.size.ram.arena} | ${m.instructionsPerInference} | x${(m.instructionsPerInference / base).toFixed(3)} | ${macRatio} | ${exact} |`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

budgetTable("person_detect", "tflm-models/person_detect.tflite", 55_296, [undefined, 65_536, 32_768, 27_648, 24_576, 16_384]);
budgetTable("kws_ref_model", "mlperf-tiny/kws/kws_ref_model.tflite", 16_000, [undefined, 8_000, 6_144]);
