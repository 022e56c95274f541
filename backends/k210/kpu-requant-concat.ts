/**
 * Concats of KPU maps as uint8 in the C program (after kpu-u8-handover.ts): a channel `Concat` of
 * KPU outputs (ulffd_landmark's heads: two KPU layers with different output quantisations), followed
 * by at most a `Relu`, whose value only KPU layers read, all with one input quantisation, need not
 * exist as floats. Each producer hands its map over as uint8 bytes (`output_u8`), one
 * `KpuRequantConcat` (ops/kpu-requant-concat.ts) re-quantises every input's bytes into the readers'
 * quantisation through a 256-entry table, writing the concatenated uint8 map, and the readers take it
 * as their input map (`input_u8`). Main memory: the uint8 maps (a quarter of the float ones) instead
 * of the float KPU outputs, the float concat and its activation.
 *
 * Bit-exact: the table of an input is, per byte q, what the C program computed for it before —
 * (q − zp)·s in float32 (kpu_driver.c's dequantise), the Relu, and the readers' quantise
 * (`quantizeKpuInput`, the C upload's float32 steps); a concat only moves floats.
 *
 * Conditions: every Concat input is the float output of a KpuConv2D or KpuConv2DChain, read by the
 * Concat alone and no graph output; one layout for all producers and readers; the axis is the
 * channel axis of that layout (1 for NCHW, 3 for NHWC); the optional Relu is the Concat's only reader;
 * the value read last (Concat or Relu output) is no graph output and every reader is a KPU node
 * reading it as its one input map with the same input scale and zero point. `expandKpuChains`
 * (kpu-chain.ts) gives the float nodes back, so the kmodel is unchanged.
 */
import { readersOf, type Graph, type Node, type ValueInfo } from "../../src/ir/graph.js";
import { attrFloat, attrInt, attrString } from "../../src/ir/attrs.js";
import { Tensor } from "../../src/ir/tensor.js";
import { chainNode } from "./kpu-chain.js";
import { endLayer, planarShape } from "./kpu-u8-handover.js";
import { KPU_CONV2D, quantizeKpuInput } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN } from "./ops/kpu-conv2d-chain.js";
import { floatFormOf, KPU_REQUANT_CONCAT } from "./ops/kpu-requant-concat.js";

const isKpu = (n: Node) => n.op === KPU_CONV2D || n.op === KPU_CONV2D_CHAIN;

/** A concat this pass rewrites: its KPU producers, the optional Relu, the value read and its readers. */
interface Site {
  readonly concat: Node;
  readonly producers: readonly Node[];
  readonly relu: Node | undefined;
  readonly readers: readonly Node[];
}

function siteOf(concat: Node, producerOf: ReadonlyMap<string, Node>, readers: ReadonlyMap<string, Node[]>, outputs: ReadonlySet<string>): Site | undefined {
  const producers = concat.inputs.map((v) => producerOf.get(v));
  if (concat.inputs.length === 0 || producers.some((p) => p === undefined || !isKpu(p) || attrInt(p, "output_u8", 0) === 1)) return undefined;
  if (concat.inputs.some((v) => outputs.has(v) || readers.get(v)?.length !== 1 || new Set(concat.inputs).size !== concat.inputs.length)) return undefined;
  const layout = attrString(producers[0]!, "layout", "NCHW");
  if (producers.some((p) => attrString(p!, "layout", "NCHW") !== layout)) return undefined;
  const axis = attrInt(concat, "axis", 0);
  if ((axis < 0 ? axis + 4 : axis) !== (layout === "NHWC" ? 3 : 1)) return undefined;
  let value = concat.outputs[0]!;
  const next = readers.get(value) ?? [];
  const relu = next.length === 1 && next[0]!.op === "Relu" && !outputs.has(value) ? next[0] : undefined;
  if (relu !== undefined) value = relu.outputs[0]!;
  const rs = readers.get(value) ?? [];
  if (outputs.has(value) || rs.length === 0) return undefined;
  const q = (r: Node) => `${attrFloat(endLayer(r, "first"), "x_scale")}/${attrInt(endLayer(r, "first"), "x_zero_point")}`;
  const ok = rs.every((r) => isKpu(r) && r.inputs.length === 1 && r.inputs[0] === value && attrInt(r, "input_u8", 0) !== 1 && attrString(r, "layout", "NCHW") === layout && q(r) === q(rs[0]!));
  return ok ? { concat, producers: producers as Node[], relu, readers: rs } : undefined;
}

/** Per byte q of a producer's map: the byte its readers quantised from the float concat (see above). */
function lutOf(producer: Node, relu: boolean, reader: Node): number[] {
  const out = endLayer(producer, "last"), into = endLayer(reader, "first");
  const scale = Math.fround(attrFloat(out, "y_scale")), zeroPoint = attrInt(out, "y_zero_point");
  const invScale = Math.fround(1 / attrFloat(into, "x_scale")), readerZeroPoint = attrInt(into, "x_zero_point");
  return Array.from({ length: 256 }, (_, q) => {
    const v = Math.fround((q - zeroPoint) * scale);
    return quantizeKpuInput(relu && !(v > 0) ? 0 : v, invScale, readerZeroPoint);
  });
}

/** The program with every qualifying KPU concat re-quantised as uint8 (see above). */
export function requantiseKpuConcats(program: Graph): Graph {
  const outputs = new Set(program.outputs.map((o) => o.name));
  const readers = readersOf(program);
  const producerOf = new Map<string, Node>();
  for (const node of program.nodes) for (const output of node.outputs) producerOf.set(output, node);
  const sites = program.nodes.filter((n) => n.op === "Concat").flatMap((c) => siteOf(c, producerOf, readers, outputs) ?? []);
  if (sites.length === 0) return program;
  const values = new Map<string, ValueInfo>(program.values);
  const replaced = new Map<Node, Node | undefined>();
  const readersU8 = new Set<Node>();
  for (const s of sites) {
    for (const p of s.producers) {
      const chain = p.op === KPU_CONV2D ? chainNode([p]) : p;
      replaced.set(p, { ...chain, attrs: { ...chain.attrs, output_u8: 1 } });
      values.set(p.outputs[0]!, { dtype: "uint8", shape: planarShape(values.get(p.outputs[0]!)!, attrString(p, "layout", "NCHW")) });
    }
    const floatNodes = s.relu === undefined ? [s.concat] : [s.concat, s.relu];
    const floatValues = floatNodes.map((n) => [n.outputs[0]!, program.values.get(n.outputs[0]!)!] as const);
    const value = floatNodes[floatNodes.length - 1]!.outputs[0]!;
    const luts = s.producers.flatMap((p) => lutOf(p, s.relu !== undefined, s.readers[0]!));
    replaced.set(s.concat, {
      name: s.concat.name,
      op: KPU_REQUANT_CONCAT,
      inputs: [...s.concat.inputs],
      outputs: [value],
      attrs: { luts: new Tensor("uint8", [s.producers.length, 256], Uint8Array.from(luts)), float_nodes: JSON.stringify(floatNodes), float_values: JSON.stringify(floatValues) },
    });
    if (s.relu !== undefined) {
      replaced.set(s.relu, undefined);
      values.delete(s.concat.outputs[0]!);
    }
    values.set(value, { dtype: "uint8", shape: planarShape(program.values.get(value)!, attrString(s.producers[0]!, "layout", "NCHW")) });
    for (const r of s.readers) readersU8.add(r);
  }
  const nodes = program.nodes.flatMap((node) => {
    const out = replaced.has(node) ? replaced.get(node) : node;
    if (out === undefined) return [];
    return [readersU8.has(node) ? { ...out, attrs: { ...out.attrs, input_u8: 1 } } : out];
  });
  return { ...program, nodes, values };
}

/** A KpuRequantConcat back as its float nodes, their outputs typed as before (for expandKpuChains). */
export function expandRequantConcat(node: Node, values: Map<string, ValueInfo>): Node[] {
  const form = floatFormOf(node);
  for (const [name, info] of form.values) values.set(name, info);
  return form.nodes;
}
