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
 * point equal to the producer's output ones. The producer becomes a KpuConv2DChain with `output_u8`
 * (a lone KpuConv2D a chain of one), the value uint8 dense planar NCHW, the readers `input_u8`.
 * kpu-chain.ts's `expandKpuChains` gives the float form back (the kmodel writer and the reports read it).
 */
import type { Graph, Node, ValueInfo } from "../../src/ir/graph.js";
import { attrFloat, attrInt, attrString } from "../../src/ir/attrs.js";
import { chainNode } from "./kpu-chain.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN, expandKpuChain } from "./ops/kpu-conv2d-chain.js";

const isKpu = (n: Node) => n.op === KPU_CONV2D || n.op === KPU_CONV2D_CHAIN;

/** The KpuConv2D layer at the input (first) or output (last) end of a KPU node. */
function endLayer(node: Node, end: "first" | "last"): Node {
  if (node.op === KPU_CONV2D) return node;
  const layers = expandKpuChain(node);
  return end === "first" ? layers[0]! : layers[layers.length - 1]!;
}

function sameQuant(producer: Node, reader: Node): boolean {
  const out = endLayer(producer, "last"), into = endLayer(reader, "first");
  return attrFloat(out, "y_scale") === attrFloat(into, "x_scale") && attrInt(out, "y_zero_point") === attrInt(into, "x_zero_point");
}

/** The program with every qualifying KPU map handed over as uint8 bytes (see above). */
export function handOverUint8Maps(program: Graph): Graph {
  const outputs = new Set(program.outputs.map((o) => o.name));
  const readers = new Map<string, Node[]>();
  for (const node of program.nodes) for (const input of node.inputs) if (input !== "") readers.set(input, [...(readers.get(input) ?? []), node]);
  const handed = new Set<string>();
  for (const node of program.nodes) {
    const v = node.outputs[0]!;
    if (!isKpu(node) || attrInt(node, "output_u8", 0) === 1 || outputs.has(v)) continue;
    const rs = readers.get(v) ?? [];
    if (rs.length > 0 && rs.every((r) => isKpu(r) && r.inputs[0] === v && r.inputs.length === 1 && sameQuant(node, r))) handed.add(v);
  }
  if (handed.size === 0) return program;
  const values = new Map<string, ValueInfo>(program.values);
  const nodes = program.nodes.map((node) => {
    let out = node;
    if (handed.has(node.inputs[0] ?? "") && isKpu(node)) out = { ...out, attrs: { ...out.attrs, input_u8: 1 } };
    if (!handed.has(node.outputs[0]!)) return out;
    const chain = out.op === KPU_CONV2D ? chainNode([out]) : out;
    values.set(node.outputs[0]!, { dtype: "uint8", shape: planarShape(values.get(node.outputs[0]!)!, attrString(chain, "layout", "NCHW")) });
    return { ...chain, attrs: { ...chain.attrs, output_u8: 1 } };
  });
  return { ...program, nodes, values };
}

/** [N, C, H, W] of a KPU node's float output in its layout. */
function planarShape(v: ValueInfo, layout: string): number[] {
  const [n, a, b, c] = v.shape as [number, number, number, number];
  return layout === "NHWC" ? [n, c, a, b] : [n, a, b, c];
}
