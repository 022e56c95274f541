/**
 * Dilated 3×3 convolutions on the KPU, which has no dilation (K210-KPU.md §1.4): nncase v0.2's
 * `eliminate_dilated_conv2d` (§5.3 item 2), space-to-batch. With dilation d and "same" padding d,
 * the input is zero-padded at its end to Hp × Wp (multiples of d); phase (r, s) is the sub-image
 * Xp[r::d, s::d] of h' × w' = Hp/d × Wp/d, and an ordinary 3×3 conv with padding 1 on it gives
 * the output pixels (i·d + r, j·d + s):
 *   Y[i·d + r] = Σ_k W[k]·Xp[i·d + r + d(k − 1)] = Σ_k W[k]·X_r[i + k − 1],
 * where rows outside Xp are zero both ways. Interleaving the phases back (batch-to-space) and
 * cropping to H × W gives the dilated conv exactly; on the KPU only the quantisation differs.
 *
 * The lowering (lower.ts) expands a dilated candidate into CPU copies around d² KPU layers, each
 * an ordinary `KpuConv2D` with the same quantisation (the output range of the dilated conv):
 *   [Pad to Hp × Wp] → Slice (steps d) per phase → KpuConv2D per phase →
 *   Concat (axis 0, phase r·d + s) → Reshape [d, d, C·h', w'] → Transpose [2, 0, 3, 1] →
 *   Reshape [1, C, Hp, Wp] → [Slice to H × W]
 * The Transpose's order (c·h' + i, r, j, s) is the output's (c, i·d + r, j·d + s). All of these ops
 * exist in the C kernels and kmodel v4 (pad, strided_slice, concat, memory_copy, transpose), so
 * the C program and model.kmodel share the expansion. nncase instead runs one KPU layer with
 * `batches` = d²; that needs batched upload/download in the driver and the kmodel writer (not done).
 */
import { attrInts, attrString, hasAttr } from "../../src/ir/attrs.js";
import type { Node, ValueInfo } from "../../src/ir/graph.js";
import type { CostVector } from "../../costmodels/types.js";

/** A dilated conv decomposed into d² phases; `height` × `width` is its own input (= output) map. */
export interface KpuDilation {
  readonly factor: number;
  readonly height: number;
  readonly width: number;
}

/** The undilated phase conv that legality checks instead of the dilated one, and its types. */
export interface DilatedPhases {
  readonly dilation: KpuDilation;
  readonly phaseConv: Node;
  readonly phaseInput: ValueInfo;
  readonly phaseOutput: ValueInfo;
}

/**
 * undefined for an undilated conv; why not for a dilated one the decomposition does not cover;
 * else the phase conv (3×3, stride 1, padding 1, no dilation) on the ceil(H/d) × ceil(W/d) sub-image.
 */
export function dilatedPhases(node: Node, x: ValueInfo, w: ValueInfo, y: ValueInfo): DilatedPhases | string | undefined {
  const dilations = attrInts(node, "dilations", [1, 1]);
  if (dilations.every((d) => d === 1)) return undefined;
  const d = dilations[0]!;
  const what = `dilations [${dilations.join(",")}]`;
  if (dilations.length !== 2 || dilations[1] !== d || d < 2) return `${what}: the KPU runs equal dilations ≥ 2 on both axes as space-to-batch (§5.3), no others`;
  if ((hasAttr(node, "layout") ? attrString(node, "layout") : "NCHW") !== "NCHW") return `${what}: dilated convs are decomposed in NCHW layout only`;
  if (w.shape[2] !== 3 || w.shape[3] !== 3) return `${what}: only 3×3 dilated kernels are decomposed into KPU phases`;
  if (attrInts(node, "strides", [1, 1]).some((s) => s !== 1)) return `${what}: a strided dilated conv is not decomposed`;
  const pads = attrInts(node, "pads", [0, 0, 0, 0]);
  if (pads.length !== 4 || pads.some((p) => p !== d)) return `${what} with pads [${pads.join(",")}]: the phase decomposition needs "same" padding ${d} on every side`;
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [ph, pw] = [Math.ceil(h / d), Math.ceil(wd / d)];
  const phaseConv: Node = { ...node, attrs: { ...node.attrs, dilations: [1, 1], pads: [1, 1, 1, 1], strides: [1, 1] } };
  return {
    dilation: { factor: d, height: h, width: wd },
    phaseConv,
    phaseInput: { dtype: x.dtype, shape: [n, c, ph, pw] },
    phaseOutput: { dtype: y.dtype, shape: [n, y.shape[1]!, ph, pw] },
  };
}

/** CPU cycles per float element of each copy around the phases (pad, slice, concat, transpose, crop). */
const COPY_CYCLES_PER_ELEMENT = 2;

/**
 * The cost of the decomposition: d² phase layers (`phase`, one layer's cost) plus the CPU's
 * space-to-batch and batch-to-space copies (each map copied about twice on either side).
 */
export function dilatedCost(phase: CostVector, dilation: KpuDilation, inChannels: number, outChannels: number): CostVector {
  const phases = dilation.factor * dilation.factor;
  const elements = (inChannels + outChannels) * dilation.height * dilation.width;
  return {
    cycles: phases * (phase.cycles ?? 0) + 2 * COPY_CYCLES_PER_ELEMENT * elements,
    bytesMoved: phases * (phase.bytesMoved ?? 0) + 2 * 4 * elements,
    kernelCalls: phases * (phase.kernelCalls ?? 0) + 4,
    codeBytes: phases * (phase.codeBytes ?? 0),
  };
}

/** The nodes of a decomposed dilated conv and the types of the values between them. */
export interface DilatedExpansion {
  readonly nodes: Node[];
  readonly values: ReadonlyMap<string, ValueInfo>;
}

/**
 * Expands the dilated conv `node` (input [1, C, H, W], output [1, OC, H, W]) as the file comment
 * shows. `phaseLayer(name, input, output)` makes the KPU layer of one phase.
 */
export function expandDilatedConv(node: Node, dilation: KpuDilation, inChannels: number, outChannels: number, phaseLayer: (name: string, input: string, output: string) => Node): DilatedExpansion {
  const { factor: d, height: h, width: w } = dilation;
  const [ph, pw] = [Math.ceil(h / d), Math.ceil(w / d)];
  const [hp, wp] = [ph * d, pw * d];
  const base = `${node.name}__dil`;
  const nodes: Node[] = [];
  const values = new Map<string, ValueInfo>();
  const float = (name: string, shape: number[]): string => {
    values.set(name, { dtype: "float32", shape });
    return name;
  };
  // H and W already multiples of d: no padding before, no crop after.
  const exact = hp === h && wp === w;
  let x = node.inputs[0]!;
  if (!exact) {
    x = float(`${base}_pad`, [1, inChannels, hp, wp]);
    nodes.push({ name: `${base}_pad`, op: "Pad", inputs: [node.inputs[0]!], outputs: [x], attrs: { mode: "constant", pads: [0, 0, 0, 0, 0, 0, hp - h, wp - w] } });
  }
  const phaseOutputs: string[] = [];
  for (let r = 0; r < d; r++) {
    for (let s = 0; s < d; s++) {
      const name = `${base}_phase${r}_${s}`;
      const input = float(`${name}_in`, [1, inChannels, ph, pw]);
      nodes.push({ name: `${name}_slice`, op: "Slice", inputs: [x], outputs: [input], attrs: { starts: [r, s], ends: [hp, wp], axes: [2, 3], steps: [d, d] } });
      const output = float(`${name}_out`, [1, outChannels, ph, pw]);
      nodes.push(phaseLayer(name, input, output));
      phaseOutputs.push(output);
    }
  }
  const batched = float(`${base}_batched`, [d * d, outChannels, ph, pw]);
  nodes.push({ name: `${base}_concat`, op: "Concat", inputs: phaseOutputs, outputs: [batched], attrs: { axis: 0 } });
  const split = float(`${base}_rows`, [d, d, outChannels * ph, pw]);
  nodes.push({ name: `${base}_split`, op: "Reshape", inputs: [batched], outputs: [split], attrs: { shape: [d, d, outChannels * ph, pw] } });
  const interleaved = float(`${base}_interleaved`, [outChannels * ph, d, pw, d]);
  nodes.push({ name: `${base}_interleave`, op: "Transpose", inputs: [split], outputs: [interleaved], attrs: { perm: [2, 0, 3, 1] } });
  const y = node.outputs[0]!;
  const full = exact ? y : float(`${base}_full`, [1, outChannels, hp, wp]);
  nodes.push({ name: `${base}_merge`, op: "Reshape", inputs: [interleaved], outputs: [full], attrs: { shape: [1, outChannels, hp, wp] } });
  if (!exact) nodes.push({ name: `${base}_crop`, op: "Slice", inputs: [full], outputs: [y], attrs: { starts: [0, 0], ends: [h, w], axes: [2, 3], steps: [1, 1] } });
  return { nodes, values };
}
