/**
 * uint8 hand-over between KPU nodes of the C program: a KPU map that several KPU layers read (a
 * backbone map the detection heads also read, so kpu-chain.ts cannot chain it), or that a chain
 * could not take on, is read out of KPU RAM as its uint8 bytes instead of being dequantised into a
 * float buffer, and each reader copies those bytes in as its input map (the `input_u8` path of the
 * uint8 frame). A quarter of the main-memory bytes, and bit-exact: the readers' input quantisation
 * is the producer's output one, and dequantising a byte and quantising it again with the same
 * parameters gives the same byte (kpu-conv2d-chain.ts), so the readers see the same maps.
 *
 * A value qualifies when a KpuConv2D or KpuConv2DChain writes it, it is no graph output, and every
 * reader is a KpuConv2D or KpuConv2DChain that reads it as its input map, with input scale and zero
 * point equal to the producer's output ones; or its only reader is a MaxPool whose output qualifies
 * so (the pool then runs on the bytes, see isBytePool). The producer becomes a KpuConv2DChain with `output_u8`
 * (a lone KpuConv2D a chain of one), the value uint8 dense planar NCHW, the readers `input_u8`.
 * kpu-chain.ts's `expandKpuChains` gives the float form back (the kmodel writer and the reports read it).
 */
import { readersOf, type Graph, type Node, type ValueInfo } from "../../src/ir/graph.js";
import { attrFloat, attrInt, attrString } from "../../src/ir/attrs.js";
import { chainNode } from "./kpu-chain.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN, expandKpuChain } from "./ops/kpu-conv2d-chain.js";

const isKpu = (n: Node) => n.op === KPU_CONV2D || n.op === KPU_CONV2D_CHAIN;

/** The KpuConv2D layer at the input (first) or output (last) end of a KPU node. */
export function endLayer(node: Node, end: "first" | "last"): Node {
  if (node.op === KPU_CONV2D) return node;
  const layers = expandKpuChain(node);
  return end === "first" ? layers[0]! : layers[layers.length - 1]!;
}

function sameQuant(producer: Node, reader: Node): boolean {
  const out = endLayer(producer, "last"), into = endLayer(reader, "first");
  return attrFloat(out, "y_scale") === attrFloat(into, "x_scale") && attrInt(out, "y_zero_point") === attrInt(into, "x_zero_point");
}

/**
 * A MaxPool the bytes can pass through: max mode on a uint8 map gives the bytes of the float pool,
 * as dequantisation is monotone (the kmodel's pool fusion relies on the same fact). Its layout must
 * be the producer's (NHWC stated as `layout`, NCHW by default) so that the float form comes back.
 */
function isBytePool(pool: Node, producer: Node): boolean {
  const layout = attrString(producer, "layout", "NCHW");
  const stated = pool.attrs["layout"];
  return pool.op === "MaxPool" && pool.inputs.length === 1 && (pool.outputs.length === 1 || pool.outputs[1] === "")
    && (layout === "NHWC" ? stated === "NHWC" : stated === undefined);
}

/**
 * The values a KPU node's map can be handed over through: its output, and the output of a MaxPool
 * that is its only reader, when every KPU reader at the end reads it with the producer's output
 * quantisation. Empty when the map must stay float.
 */
function handoverOf(producer: Node, readers: ReadonlyMap<string, Node[]>, outputs: ReadonlySet<string>): { values: string[]; pool?: Node } {
  const v = producer.outputs[0]!;
  const readsAsMap = (v: string, rs: readonly Node[]) =>
    rs.length > 0 && rs.every((r) => isKpu(r) && r.inputs[0] === v && r.inputs.length === 1 && sameQuant(producer, r));
  if (outputs.has(v)) return { values: [] };
  const rs = readers.get(v) ?? [];
  if (readsAsMap(v, rs)) return { values: [v] };
  const pool = rs[0];
  if (rs.length !== 1 || !isBytePool(pool!, producer) || outputs.has(pool!.outputs[0]!)) return { values: [] };
  const w = pool!.outputs[0]!;
  return readsAsMap(w, readers.get(w) ?? []) ? { values: [v, w], pool: pool! } : { values: [] };
}

/** The program with every qualifying KPU map handed over as uint8 bytes (see above). */
export function handOverUint8Maps(program: Graph): Graph {
  const outputs = new Set(program.outputs.map((o) => o.name));
  const readers = readersOf(program);
  const handed = new Set<string>();
  const pools = new Set<Node>();
  for (const node of program.nodes) {
    if (!isKpu(node) || attrInt(node, "output_u8", 0) === 1) continue;
    const h = handoverOf(node, readers, outputs);
    for (const v of h.values) handed.add(v);
    if (h.pool !== undefined) pools.add(h.pool);
  }
  if (handed.size === 0) return program;
  const values = new Map<string, ValueInfo>(program.values);
  const nodes = program.nodes.map((node) => {
    let out = node;
    if (pools.has(node)) {
      // The pool now runs on the planar bytes (NCHW, the default layout).
      const attrs = { ...node.attrs };
      delete attrs["layout"];
      values.set(node.outputs[0]!, { dtype: "uint8", shape: planarShape(values.get(node.outputs[0]!)!, attrString(node, "layout", "NCHW")) });
      return { ...node, attrs };
    }
    if (handed.has(node.inputs[0] ?? "") && isKpu(node)) out = { ...out, attrs: { ...out.attrs, input_u8: 1 } };
    if (!handed.has(node.outputs[0]!)) return out;
    const chain = out.op === KPU_CONV2D ? chainNode([out]) : out;
    values.set(node.outputs[0]!, { dtype: "uint8", shape: planarShape(values.get(node.outputs[0]!)!, attrString(chain, "layout", "NCHW")) });
    return { ...chain, attrs: { ...chain.attrs, output_u8: 1 } };
  });
  return { ...program, nodes, values };
}

/** [N, C, H, W] of a float map in its layout. */
export function planarShape(v: ValueInfo, layout: string): number[] {
  const [n, a, b, c] = v.shape as [number, number, number, number];
  return layout === "NHWC" ? [n, c, a, b] : [n, a, b, c];
}
