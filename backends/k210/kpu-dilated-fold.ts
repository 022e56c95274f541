/**
 * The C program's dilated convs (last step of the target's lowering): each block the lowering
 * expanded a dilated conv into (kpu-dilation.ts: [Pad] → d² × (Slice → KpuConv2D) → Concat →
 * Reshape → Transpose → Reshape → [crop]) becomes one `KpuDilatedConv2D` node
 * (ops/kpu-dilated-conv2d.ts) that gathers and scatters one phase at a time, so neither the padded
 * map, the d² phase inputs and outputs, the batched map nor its interleaved copy take arena bytes.
 * A block is folded only when `expandKpuDilated` of the folded node gives back exactly its nodes
 * (names, inputs, outputs, attributes, in order) and value types, and nothing outside the block
 * reads a value inside it: `expandKpuChains` then restores the same program, so model.kmodel is
 * unchanged.
 *
 * Then, as kpu-u8-handover.ts does for chains: a folded conv's output that no graph output is and
 * only folded convs read, each with the producer's output quantisation as its input one, goes over
 * as the uint8 map (`output_u8` / `input_u8`), a quarter of the float bytes and bit-exact.
 */
import { readersOf, type AttrValue, type Graph, type Node, type ValueInfo } from "../../src/ir/graph.js";
import { attrFloat, attrInt, attrInts } from "../../src/ir/attrs.js";
import { Tensor } from "../../src/ir/tensor.js";
import { EgretError } from "../../src/errors.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { expandKpuDilated, KPU_DILATED_CONV2D, PHASE_ATTRS } from "./ops/kpu-dilated-conv2d.js";

/** Names the expansion starts with: its Pad, or (map a multiple of d) its first phase's Slice. */
const BLOCK_START = /^(.*)__dil_(pad|phase0_0_slice)$/;

function sameAttr(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  if (a instanceof Tensor || b instanceof Tensor) {
    return a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype && a.shape.join(",") === b.shape.join(",") && Buffer.from(a.bytes()).equals(Buffer.from(b.bytes()));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameNode(a: Node, b: Node): boolean {
  const keys = Object.keys(a.attrs);
  return (
    a.name === b.name && a.op === b.op && a.inputs.join("\n") === b.inputs.join("\n") && a.outputs.join("\n") === b.outputs.join("\n") &&
    keys.join(",") === Object.keys(b.attrs).join(",") && keys.every((k) => sameAttr(a.attrs[k], b.attrs[k]))
  );
}

const sameType = (a: ValueInfo | undefined, b: ValueInfo | undefined) => a !== undefined && b !== undefined && a.dtype === b.dtype && a.shape.join(",") === b.shape.join(",");

/** The folded node of the block starting at `start`, and the block's length; undefined if it is no exact expansion. */
function foldAt(program: Graph, start: number, readers: ReadonlyMap<string, Node[]>, outputs: ReadonlySet<string>): { node: Node; length: number } | undefined {
  const first = program.nodes[start]!;
  const convName = BLOCK_START.exec(first.name)?.[1];
  const phase = program.nodes.find((n) => n.name === `${convName}__dil_phase0_0`);
  if (convName === undefined || phase?.op !== KPU_CONV2D) return undefined;
  const slice = first.op === "Slice" ? first : program.nodes[start + 1];
  const x = program.values.get(first.inputs[0]!);
  if (slice?.op !== "Slice" || x?.dtype !== "float32" || x.shape.length !== 4) return undefined;
  const d = attrInts(slice, "steps", [1])[0]!;
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const exact = h % d === 0 && w % d === 0;
  const length = (exact ? 0 : 2) + 2 * d * d + 4;
  const block = program.nodes.slice(start, start + length);
  if (d < 2 || block.length !== length) return undefined;
  const attrs: Record<string, AttrValue> = { conv_name: convName, dilation: d, map: [h, w] };
  for (const key of PHASE_ATTRS) if (phase.attrs[key] !== undefined) attrs[key] = phase.attrs[key]!;
  const node: Node = { name: `${convName}__dil`, op: KPU_DILATED_CONV2D, inputs: [first.inputs[0]!], outputs: [block[length - 1]!.outputs[0]!], attrs };
  let expansion;
  try {
    expansion = expandKpuDilated(node);
  } catch (e) {
    if (e instanceof EgretError) return undefined; // attributes the op rejects: leave the block as it is
    throw e;
  }
  if (expansion.nodes.length !== length || !expansion.nodes.every((n, i) => sameNode(n, block[i]!))) return undefined;
  for (const [name, info] of expansion.values) {
    if (!sameType(info, program.values.get(name)) || outputs.has(name)) return undefined;
    if (!(readers.get(name) ?? []).every((r) => block.includes(r))) return undefined;
  }
  return { node, length };
}

/** The program with every exactly recognised dilated expansion folded, and uint8 hand-overs between folded convs. */
export function foldDilatedConvs(program: Graph): Graph {
  const readers = readersOf(program);
  const outputs = new Set(program.outputs.map((o) => o.name));
  const nodes: Node[] = [];
  const dropped = new Set<string>();
  for (let i = 0; i < program.nodes.length; ) {
    const folded = foldAt(program, i, readers, outputs);
    if (folded === undefined) {
      nodes.push(program.nodes[i++]!);
      continue;
    }
    for (const n of program.nodes.slice(i, i + folded.length - 1)) for (const o of n.outputs) dropped.add(o);
    nodes.push(folded.node);
    i += folded.length;
  }
  if (dropped.size === 0) return program;
  const values = new Map([...program.values].filter(([name]) => !dropped.has(name)));
  return handOverUint8({ ...program, nodes, values });
}

/** Folded convs whose output only folded convs of its quantisation read take the uint8 map. */
function handOverUint8(program: Graph): Graph {
  const readers = readersOf(program);
  const outputs = new Set(program.outputs.map((o) => o.name));
  const changed = new Map<Node, Record<string, AttrValue>>();
  const values = new Map(program.values);
  const attrsOf = (n: Node) => changed.get(n) ?? { ...n.attrs };
  for (const node of program.nodes) {
    if (node.op !== KPU_DILATED_CONV2D) continue;
    const y = node.outputs[0]!;
    const next = readers.get(y) ?? [];
    const qualifies = (r: Node) => r.op === KPU_DILATED_CONV2D && attrFloat(r, "x_scale") === attrFloat(node, "y_scale") && attrInt(r, "x_zero_point") === attrInt(node, "y_zero_point");
    if (outputs.has(y) || next.length === 0 || !next.every(qualifies)) continue;
    changed.set(node, { ...attrsOf(node), output_u8: 1 });
    for (const r of next) changed.set(r, { ...attrsOf(r), input_u8: 1 });
    values.set(y, { ...values.get(y)!, dtype: "uint8" });
  }
  if (changed.size === 0) return program;
  return { ...program, nodes: program.nodes.map((n) => (changed.has(n) ? { ...n, attrs: changed.get(n)! } : n)), values };
}

/** A folded conv back as the lowering's expansion, its values typed again (for kpu-chain.ts's expandKpuChains). */
export function expandDilatedNode(node: Node, values: Map<string, ValueInfo>): Node[] {
  const expansion = expandKpuDilated(node);
  for (const [name, info] of expansion.values) values.set(name, info);
  const y = node.outputs[0]!;
  if (attrInt(node, "output_u8", 0) === 1) values.set(y, { ...values.get(y)!, dtype: "float32" });
  return expansion.nodes;
}
