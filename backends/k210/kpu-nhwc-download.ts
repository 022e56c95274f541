/**
 * KPU outputs dequantised straight into NHWC in the C program (issue 17 item 3): a KPU layer or chain
 * that takes a uint8 map (`input_u8`, so its layout names only its float output) and whose float NCHW
 * output only a Transpose to NHWC (perm [0, 2, 3, 1]) reads, as slim-320's eight heads do before
 * their Reshape and Concat, can write the NHWC map itself: the driver's download takes the layout
 * (kpu_driver.h, `nhwc`). The Transpose and its NCHW input (a second float copy of the map, live
 * with it: slim-320's arena peak, 2 × 57,600 B) go away; the chain's output is the Transpose's value.
 *
 * Bit-exact: the download writes each dequantised value once, at its NHWC place; a transpose only
 * moves floats. The chain keeps the Transpose and the NCHW value's type as JSON (`nhwc_download`),
 * and `expandKpuChains` (kpu-chain.ts) gives them back, so the kmodel is unchanged.
 */
import type { AttrValue, Graph, Node, ValueInfo } from "../../src/ir/graph.js";
import { attrInt, attrString, hasAttr } from "../../src/ir/attrs.js";
import { fail } from "../../src/errors.js";
import { nodeLabel, readersOf } from "../../src/ir/graph.js";
import { chainNode } from "./kpu-chain.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN } from "./ops/kpu-conv2d-chain.js";

const TO_NHWC = "0,2,3,1";

/** What the chain stands for besides its layers: the Transpose it writes through, and the NCHW value's type. */
interface NhwcDownload {
  readonly transpose: Node;
  readonly nchw: ValueInfo;
  /** The program node the Transpose stood before ("" for the end), so the float form keeps the order. */
  readonly before: string;
}

function qualifies(node: Node, readers: ReadonlyMap<string, Node[]>, outputs: ReadonlySet<string>): Node | undefined {
  if (node.op !== KPU_CONV2D && node.op !== KPU_CONV2D_CHAIN) return undefined;
  if (attrInt(node, "input_u8", 0) !== 1 || attrInt(node, "output_u8", 0) === 1 || attrString(node, "layout", "NCHW") !== "NCHW") return undefined;
  const y = node.outputs[0]!;
  const rs = readers.get(y) ?? [];
  if (outputs.has(y) || rs.length !== 1 || rs[0]!.op !== "Transpose") return undefined;
  const perm = rs[0]!.attrs["perm"];
  return Array.isArray(perm) && perm.join(",") === TO_NHWC ? rs[0] : undefined;
}

/** The program with every qualifying KPU download writing NHWC itself (see above). */
export function downloadNhwc(program: Graph): Graph {
  const outputs = new Set(program.outputs.map((o) => o.name));
  const readers = readersOf(program);
  const values = new Map(program.values);
  const dropped = new Set<Node>(program.nodes.flatMap((n) => qualifies(n, readers, outputs) ?? []));
  if (dropped.size === 0) return program;
  const kept = program.nodes.filter((n) => !dropped.has(n));
  // The first kept node after position `at` (the node a dropped Transpose stood before).
  const nextKept = (at: number) => program.nodes.slice(at + 1).find((n) => !dropped.has(n))?.name ?? "";
  const nodes = kept.map((node) => {
    const transpose = qualifies(node, readers, outputs);
    if (transpose === undefined) return node;
    const single = node.op === KPU_CONV2D ? chainNode([node]) : undefined;
    const chain = single === undefined ? node : { ...single, attrs: { ...single.attrs, ...keptAttrs(node) } };
    const form: NhwcDownload = { transpose, nchw: program.values.get(node.outputs[0]!)!, before: nextKept(program.nodes.indexOf(transpose)) };
    values.delete(node.outputs[0]!);
    return { ...chain, outputs: [transpose.outputs[0]!], attrs: { ...chain.attrs, layout: "NHWC", nhwc_download: JSON.stringify(form) } };
  });
  return { ...program, nodes, values };
}

/** The attributes of a single KpuConv2D a chain of it must keep (chainNode takes the layer's). */
function keptAttrs(node: Node): Node["attrs"] {
  return Object.fromEntries(["input_u8", "input_kpu"].filter((k) => hasAttr(node, k)).map((k) => [k, node.attrs[k]!]));
}

/**
 * A chain of this pass back as its NCHW chain, the Transpose and the name of the program node the
 * Transpose goes before ("" for the end) (the NCHW value typed again in `values`), or undefined
 * for any other node.
 */
export function expandNhwcDownload(node: Node, values: Map<string, ValueInfo>): [Node, Node, string] | undefined {
  if (!hasAttr(node, "nhwc_download")) return undefined;
  let form: NhwcDownload;
  try {
    form = JSON.parse(attrString(node, "nhwc_download")) as NhwcDownload;
  } catch {
    return fail("bad-attribute", nodeLabel(node), "nhwc_download must be the JSON of the Transpose it writes through and its NCHW value's type");
  }
  const attrs: Record<string, AttrValue> = { ...node.attrs, layout: "NCHW" };
  delete attrs["nhwc_download"];
  values.set(form.transpose.inputs[0]!, form.nchw);
  return [{ ...node, outputs: [form.transpose.inputs[0]!], attrs }, form.transpose, form.before];
}
