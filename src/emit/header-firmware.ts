import type { DType } from "../ir/dtype.js";
import type { Graph, Node, NamedValue } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { cComment, type CWriter } from "../cgen/cwriter.js";
import { cLiteral } from "../cgen/literals.js";

/**
 * The parts of model.h that firmware needs beyond the run function: each integer input's and
 * output's quantisation (real = scale * (q - zero_point)), whether calls may overlap, and an arena
 * the user can place in a linker section of their choice (`<PREFIX>_DEFINE_ARENA`).
 */

export interface IoQuant {
  readonly scale: number;
  readonly zeroPoint: number;
}

const INTEGER_IO: ReadonlySet<DType> = new Set<DType>(["int8", "uint8", "int16"]);

/**
 * The quantisation of a graph input or output, read from the integer ops that take or make it
 * (docs/quantized-ops.md: `x_`/`a_`/`b_` on their inputs, `y_` on their output), looking through
 * ops that only move bytes (aliases such as Reshape, and ops with no scale of their own). Undefined
 * for a float tensor, or when no op states it, or when two ops disagree (then no single pair is true).
 */
export function ioQuant(graph: Graph, ops: OpRegistry, value: NamedValue, kind: "input" | "output"): IoQuant | undefined {
  if (!INTEGER_IO.has(value.dtype)) return undefined;
  const found = kind === "input" ? consumerQuant(graph, ops, value.name) : producerQuant(graph, ops, value.name, new Set());
  if (found.length === 0) return undefined;
  const first = found[0]!;
  return found.every((q) => q.scale === first.scale && q.zeroPoint === first.zeroPoint) ? first : undefined;
}

/**
 * An op that passes its first input's values on unchanged in meaning: an alias, or a one-output op
 * with no scales whose output has the input's dtype (Transpose, Concat of one scale, ...).
 */
function movesOnly(graph: Graph, ops: OpRegistry, node: Node): boolean {
  if (ops.get(node.op)?.alias === true) return true;
  const from = graph.values.get(node.inputs[0] ?? "")?.dtype;
  const to = graph.values.get(node.outputs[0] ?? "")?.dtype;
  return node.outputs.length === 1 && from !== undefined && from === to && !Object.keys(node.attrs).some((k) => k.endsWith("_scale") || k.endsWith("_zero_point"));
}

function quantAttr(node: Node, prefix: string): IoQuant | undefined {
  const scale = node.attrs[`${prefix}_scale`];
  if (typeof scale !== "number") return undefined;
  const zp = node.attrs[`${prefix}_zero_point`];
  return { scale: Math.fround(scale), zeroPoint: typeof zp === "number" ? zp : 0 };
}

/** The input's quantisation as every integer op reading it states it (through byte-moving ops). */
function consumerQuant(graph: Graph, ops: OpRegistry, tensor: string): IoQuant[] {
  const found: IoQuant[] = [];
  const seen = new Set<string>();
  const queue = [tensor];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const node of graph.nodes) {
      node.inputs.forEach((input, index) => {
        if (input !== name) return;
        const prefixes = index === 0 ? ["x", "a"] : index === 1 ? ["b"] : [];
        const q = prefixes.map((p) => quantAttr(node, p)).find((v) => v !== undefined);
        if (q !== undefined) found.push(q);
        else if (index === 0 && movesOnly(graph, ops, node) && node.outputs[0] !== undefined && node.outputs[0] !== "") queue.push(node.outputs[0]);
      });
    }
  }
  return found;
}

/** The output's quantisation as the op making it states it (through byte-moving ops, or a graph input). */
function producerQuant(graph: Graph, ops: OpRegistry, tensor: string, seen: Set<string>): IoQuant[] {
  if (seen.has(tensor)) return [];
  seen.add(tensor);
  const input = graph.inputs.find((v) => v.name === tensor);
  if (input !== undefined) return consumerQuant(graph, ops, tensor);
  const node = graph.nodes.find((n) => n.outputs.includes(tensor));
  if (node === undefined) return [];
  const q = quantAttr(node, "y");
  if (q !== undefined) return [q];
  return movesOnly(graph, ops, node) && node.inputs[0] !== undefined && node.inputs[0] !== "" ? producerQuant(graph, ops, node.inputs[0], seen) : [];
}

/** `<PREFIX>_<KIND>_<i>_CTYPE`, `_QUANTIZED`, and for integer tensors with known parameters `_SCALE` / `_ZERO_POINT`. */
export function writeIoQuantMacros(w: CWriter, graph: Graph, ops: OpRegistry, base: string, value: NamedValue, kind: "input" | "output", ctype: string): void {
  w.line(`#define ${base}_CTYPE ${ctype}`);
  const q = ioQuant(graph, ops, value, kind);
  w.line(`#define ${base}_QUANTIZED ${q === undefined ? 0 : 1}`);
  if (q === undefined) return;
  w.line(`#define ${base}_SCALE ${cLiteral("float32", q.scale)}`);
  w.line(`#define ${base}_ZERO_POINT ${q.zeroPoint}`);
}

/**
 * `<PREFIX>_REENTRANT` and `<PREFIX>_DEFINE_ARENA(name)`: a static, aligned arena of the right size,
 * in the linker section `<PREFIX>_ARENA_SECTION` names when the user defines it (e.g.
 * `-D'MODEL_ARENA_SECTION=".sram2"'`), so the arena lands in the RAM bank the user picks. Compilers
 * other than GCC/Clang need `<PREFIX>_ARENA_PLACEMENT` defined in their own syntax (left undefined
 * for them, so using the macro without it fails at compile time naming it, never misaligns).
 */
export function writeArenaPlacement(w: CWriter, PREFIX: string, reentrant: boolean): void {
  w.line(cComment(`1: calls may overlap (distinct arenas, e.g. from two threads); 0: one call at a time`));
  w.line(`#define ${PREFIX}_REENTRANT ${reentrant ? 1 : 0}`);
  w.line();
  w.line("/*");
  w.line(` * ${PREFIX}_DEFINE_ARENA(name); defines a static arena of ${PREFIX}_ARENA_SIZE bytes aligned to`);
  w.line(` * ${PREFIX}_ARENA_ALIGNMENT. Define ${PREFIX}_ARENA_SECTION (a string, e.g. ".sram2") before including`);
  w.line(` * this header, or with -D, to place it in that linker section; ${PREFIX}_ARENA_PLACEMENT replaces the`);
  w.line(" * whole attribute (compilers other than GCC and Clang need it in their own syntax).");
  w.line(" */");
  w.line(`#ifndef ${PREFIX}_ARENA_PLACEMENT`);
  w.line(`#if defined(__GNUC__) && defined(${PREFIX}_ARENA_SECTION)`);
  w.line(`#define ${PREFIX}_ARENA_PLACEMENT __attribute__((section(${PREFIX}_ARENA_SECTION), aligned(16)))`);
  w.line("#elif defined(__GNUC__)");
  w.line(`#define ${PREFIX}_ARENA_PLACEMENT __attribute__((aligned(16)))`);
  w.line("#endif");
  w.line("#endif");
  w.line(`#define ${PREFIX}_DEFINE_ARENA(name) static uint8_t name[${PREFIX}_ARENA_SIZE > 0u ? ${PREFIX}_ARENA_SIZE : 1u] ${PREFIX}_ARENA_PLACEMENT`);
}
