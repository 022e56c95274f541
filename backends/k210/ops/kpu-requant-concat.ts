/**
 * `KpuRequantConcat`: a channel concat of KPU output maps, each given as its uint8 bytes (dense
 * planar NCHW, a `KpuConv2DChain` with `output_u8`), written straight as the uint8 input map of the
 * KPU layers that read the concat (`input_u8`). Each input byte goes through its own 256-entry table
 * (`luts`, one row per input): dequantise with the producer's output scale and zero point, apply the
 * optional float activation between the concat and its readers (Relu), quantise with the readers'
 * input scale and zero point. The tables are computed at compile time with exactly the float32
 * arithmetic of the C program (kpu_driver.c's dequantise, the readers' quantise), so the output bytes
 * are the ones the readers quantised from the float concat before (kpu-requant-concat.ts builds it).
 *
 * Attributes:
 *   luts         uint8 [inputs, 256]: the table of input i in row i
 *   float_nodes  JSON array of the float nodes it stands for (the Concat, then the activation if
 *                any), for `expandKpuChains` (the kmodel writer and the reports read the float form)
 *   float_values JSON array of [name, ValueInfo] of those nodes' float outputs
 *   output_kpu   optional byte offset in KPU RAM where the concatenated map is written (its readers
 *                take it from there; the output value is then the one-byte RESIDENT_TOKEN,
 *                kpu-resident-maps.ts)
 */
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import { fail } from "../../../src/errors.js";
import { attrInt, attrString, attrTensor, hasAttr } from "../../../src/ir/attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { RESIDENT_TOKEN } from "./kpu-conv2d-chain.js";

export const KPU_REQUANT_CONCAT = "KpuRequantConcat";

const LUT_SIZE = 256;

/** The tables of the node, one Uint8Array of 256 per input. */
function lutsOf(node: Node): Uint8Array[] {
  const t = attrTensor(node, "luts");
  const bytes = t.toNumbers();
  if (t.shape.length !== 2 || t.shape[0] !== node.inputs.length || t.shape[1] !== LUT_SIZE) {
    fail("bad-attribute", nodeLabel(node), `luts must be uint8 [${node.inputs.length}, ${LUT_SIZE}] (one table per input)`);
  }
  return node.inputs.map((_, i) => Uint8Array.from(bytes.subarray(i * LUT_SIZE, (i + 1) * LUT_SIZE)));
}

/** The float nodes and values the node stands for (see above). */
export function floatFormOf(node: Node): { nodes: Node[]; values: [string, ValueInfo][] } {
  try {
    return { nodes: JSON.parse(attrString(node, "float_nodes")) as Node[], values: JSON.parse(attrString(node, "float_values")) as [string, ValueInfo][] };
  } catch {
    return fail("bad-attribute", nodeLabel(node), "float_nodes and float_values must be the JSON of the float Concat (and activation) it replaces");
  }
}

function infer(node: Node, inputs: readonly (ValueInfo | undefined)[]): ValueInfo[] {
  let channels = 0;
  const first = inputs[0];
  for (const x of inputs) {
    if (x === undefined || x.dtype !== "uint8" || x.shape.length !== 4 || x.shape[0] !== 1 || x.shape[2] !== first!.shape[2] || x.shape[3] !== first!.shape[3]) {
      fail("bad-shape", nodeLabel(node), "every input must be a uint8 planar map [1, C, H, W] of the same H and W");
    }
    channels += x.shape[1]!;
  }
  return [{ dtype: "uint8", shape: [1, channels, first!.shape[2]!, first!.shape[3]!] }];
}

/** The output value's type: the concatenated map, or the token when it is kept in KPU RAM. */
function inferOutput(node: Node, inputs: readonly (ValueInfo | undefined)[]): ValueInfo[] {
  const [map] = infer(node, inputs);
  return hasAttr(node, "output_kpu") ? [RESIDENT_TOKEN] : [map!];
}

function evaluate(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[] {
  const luts = lutsOf(node);
  const info = infer(node, inputs.map((t) => (t === undefined ? undefined : { dtype: t.dtype, shape: t.shape })))[0]!;
  const out = new Uint8Array(info.shape.reduce((a, b) => a * b, 1));
  let at = 0;
  inputs.forEach((t, i) => {
    for (const q of t!.toNumbers()) out[at++] = luts[i]![q]!;
  });
  return [new Tensor("uint8", info.shape, out)];
}

function emitC(node: Node, ctx: EmitCtx): void {
  const luts = lutsOf(node);
  // A map kept in KPU RAM (kpu-resident-maps.ts) is written where its KPU readers take it.
  const y = hasAttr(node, "output_kpu") ? `eg_kpu_frame(${attrInt(node, "output_kpu")}u)` : ctx.ptr(node.outputs[0]!);
  let offset = 0;
  node.inputs.forEach((input, i) => {
    const name = ctx.uniqueName("kpu_requant_lut");
    ctx.define(name, `static const uint8_t ${name}[${LUT_SIZE}] = { ${Array.from(luts[i]!).join(", ")} };`);
    const count = ctx.info(input).shape.reduce((a, b) => a * b, 1);
    ctx.line(`{ const uint8_t *x = ${ctx.ptr(input)}; uint8_t *y = ${y} + ${offset}; size_t i; for (i = 0; i < ${count}u; i++) y[i] = ${name}[x[i]]; }`);
    offset += count;
  });
}

const KpuRequantConcat: OpDef = {
  name: KPU_REQUANT_CONCAT,
  family: "k210",
  attributes: ["luts", "float_nodes", "float_values", "output_kpu"],
  dataTypes: "uint8",
  inputs: { min: 1, max: 64 },
  outputs: { min: 1, max: 1 },
  infer: inferOutput,
  evaluate,
  emitC,
};

/** The ops of this family, for the op registry. */
export const KPU_REQUANT_CONCAT_OPS: readonly OpDef[] = [KpuRequantConcat];
