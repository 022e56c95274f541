import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MeasuredSize } from "../../src/pipeline/target.js";

/**
 * Flash and RAM of a built Cortex-M image (the measurement contract's `MeasuredSize`), measured
 * from the ELF (arm-none-eabi-size, -nm: `.text`; `.rodata` plus `.data`'s load image; the `w_*`
 * weight symbols of model.c; `.data` + `.bss`) and from gcc's -fstack-usage/-fcallgraph-info
 * output (the deepest stack of model_run and the kernels it calls, library calls such as memcpy
 * excluded). Bytes throughout.
 */
export type SizeReport = MeasuredSize;

const ARM_SIZE = "arm-none-eabi-size";
const ARM_NM = "arm-none-eabi-nm";

/** Reads the report of `dir/elf` whose objects (and .ci call graphs) are in `dir/obj`. */
export function sizeReport(dir: string, elf: string, arenaBytes: number): SizeReport {
  const sections = sectionSizes(execFileSync(ARM_SIZE, ["-A", join(dir, elf)], { encoding: "utf8" }));
  const section = (name: string) => sections.get(name) ?? 0;
  const nm = execFileSync(ARM_NM, ["-S", join(dir, elf)], { encoding: "utf8" });
  const weights = weightBytes(nm);
  const statics = modelStatics(execFileSync(ARM_NM, ["-S", join(dir, "obj", "model.o")], { encoding: "utf8" }));
  const text = section(".text") + section(".ARM.exidx");
  const rodata = section(".rodata") + section(".data");
  const stack = deepestStack(readCallGraphs(join(dir, "obj")), "model_run");
  return {
    flash: { text, rodata, weights, total: text + rodata },
    ram: {
      arena: arenaBytes, staticBytes: section(".data") + section(".bss"), stack, state: statics.state, otherStatic: statics.other,
      total: arenaBytes + stack + statics.state + statics.other,
    },
  };
}

/** `size -A` lines "name size addr" to a map. */
function sectionSizes(text: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line);
    if (m) sizes.set(m[1]!, Number(m[2]));
  }
  return sizes;
}

/** Sum of the sizes of the emitted weight arrays (`static const ... w_<tensor>[]`). */
function weightBytes(nm: string): number {
  let total = 0;
  for (const line of nm.split("\n")) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) [rR] (w_\S+)$/.exec(line.trim());
    if (m) total += parseInt(m[1]!, 16);
  }
  return total;
}

/** Writable statics (nm types b/B/d/D) of the model's object: `state_*` arrays and the rest. */
function modelStatics(nm: string): { state: number; other: number } {
  let state = 0;
  let other = 0;
  for (const line of nm.split("\n")) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) [bBdD] (\S+)$/.exec(line.trim());
    if (!m) continue;
    if (m[2]!.startsWith("state_")) state += parseInt(m[1]!, 16);
    else other += parseInt(m[1]!, 16);
  }
  return { state, other };
}

interface CallGraph {
  readonly frame: Map<string, number>;
  readonly calls: Map<string, Set<string>>;
}

/** Merges gcc's -fcallgraph-info=su files (VCG text): frame bytes per function and call edges. */
function readCallGraphs(objDir: string): CallGraph {
  const frame = new Map<string, number>();
  const calls = new Map<string, Set<string>>();
  for (const file of readdirSync(objDir).filter((f) => f.endsWith(".ci"))) {
    for (const line of readFileSync(join(objDir, file), "utf8").split("\n")) {
      const node = /^node: \{ title: "([^"]+)" label: "[^"]*\\n(\d+) bytes/.exec(line);
      if (node) frame.set(node[1]!, Number(node[2]));
      const edge = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/.exec(line);
      if (edge) {
        const set = calls.get(edge[1]!) ?? new Set<string>();
        set.add(edge[2]!);
        calls.set(edge[1]!, set);
      }
    }
  }
  return { frame, calls };
}

/** Largest frame sum over call paths from `root`; functions without a .ci entry count 0. */
function deepestStack(graph: CallGraph, root: string): number {
  const memo = new Map<string, number>();
  const visit = (fn: string, onPath: Set<string>): number => {
    const known = memo.get(fn);
    if (known !== undefined) return known;
    if (onPath.has(fn)) return 0; // recursion: not expected in generated code or kernels
    onPath.add(fn);
    let deepest = 0;
    for (const callee of graph.calls.get(fn) ?? []) deepest = Math.max(deepest, visit(callee, onPath));
    onPath.delete(fn);
    const total = (graph.frame.get(fn) ?? 0) + deepest;
    memo.set(fn, total);
    return total;
  };
  return visit(root, new Set());
}
