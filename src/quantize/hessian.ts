import type { Graph, Node } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import { runGraph } from "../interp/run.js";
import type { Sample } from "./calibrate.js";
import { intsAttr, windowPads } from "./window-geometry.js";

/** Largest fan-in GPTQ rounds (its K x K matrices cost 8 K^2 bytes and ~K^3 work); wider layers round to nearest. */
export const MAX_GPTQ_FAN_IN = 1024;
/** Multiply-adds spent on one layer's matrix: inputs beyond patches * K^2 of this are sampled evenly. */
export const HESSIAN_WORK_PER_LAYER = 2 ** 31;

/**
 * Second moments of a weighted layer's input rows over the calibration samples: for each group of
 * output rows, H = sum of x x^T over every input vector x one output row is a dot product with
 * (a conv's receptive-field patch, ordered (kh, kw, c) like OHWI weights; a dense layer's input
 * row). GPTQ rounds the weights to keep W x close on these inputs.
 */
export interface LayerHessian {
  /** K: the length of one output row's weights. */
  readonly fanIn: number;
  /** One K x K matrix (row-major) per group; output row r belongs to group floor(r / (rows / groups)). */
  readonly groups: readonly Float64Array[];
  /** Input vectors summed into each group's matrix. */
  readonly vectors: number;
}

/** How one weighted node's input vectors are laid out, or undefined when GPTQ does not apply. */
interface PatchPlan {
  readonly fanIn: number;
  readonly groups: number;
  /** Input vectors per sample (output positions x groups for convs, rows for dense layers). */
  readonly perSample: number;
  readonly forEach: (x: Float64Array, take: (index: number) => boolean, visit: (group: number, v: Float64Array) => void) => void;
}

/**
 * Hessians of every Conv (2-D), Gemm (transA 0) and MatMul whose weights are constants and whose
 * fan-in is at most MAX_GPTQ_FAN_IN, from one traced pass of the float program over `samples`.
 */
export function collectHessians(program: Graph, samples: readonly Sample[], ops: OpRegistry): Map<string, LayerHessian> {
  const plans = new Map<string, { node: Node; plan: PatchPlan; h: Float64Array[]; stride: number; seen: number; used: number }[]>();
  for (const node of program.nodes) {
    const plan = patchPlan(program, node);
    if (!plan || plan.fanIn > MAX_GPTQ_FAN_IN) continue;
    const total = plan.perSample * samples.length;
    const stride = Math.max(1, Math.ceil((total * plan.fanIn * plan.fanIn) / HESSIAN_WORK_PER_LAYER));
    const entry = { node, plan, h: Array.from({ length: plan.groups }, () => new Float64Array(plan.fanIn * plan.fanIn)), stride, seen: 0, used: 0 };
    const input = node.inputs[0]!;
    plans.set(input, [...(plans.get(input) ?? []), entry]);
  }
  for (const sample of samples) {
    runGraph(program, sample, {
      ops,
      purpose: "GPTQ's traced pass",
      visit: (name: string, t: Tensor) => {
        for (const e of plans.get(name) ?? []) {
          e.plan.forEach(t.toNumbers(), (i) => (e.seen + i) % e.stride === 0, (g, v) => {
            addOuter(e.h[g]!, v, e.plan.fanIn);
            if (g === 0) e.used++;
          });
          e.seen += e.plan.perSample;
        }
      },
    });
  }
  const out = new Map<string, LayerHessian>();
  for (const list of plans.values()) {
    for (const e of list) {
      for (const h of e.h) symmetrize(h, e.plan.fanIn);
      out.set(e.node.name, { fanIn: e.plan.fanIn, groups: e.h, vectors: e.used });
    }
  }
  return out;
}

/** Adds the upper triangle of v v^T (non-zero entries only: ReLU inputs are half zeros). */
function addOuter(h: Float64Array, v: Float64Array, k: number): void {
  const idx: number[] = [];
  for (let i = 0; i < k; i++) if (v[i] !== 0) idx.push(i);
  for (let a = 0; a < idx.length; a++) {
    const i = idx[a]!;
    const vi = v[i]!;
    const row = i * k;
    for (let b = a; b < idx.length; b++) h[row + idx[b]!]! += vi * v[idx[b]!]!;
  }
}

function symmetrize(h: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) h[j * k + i] = h[i * k + j]!;
}

function patchPlan(program: Graph, node: Node): PatchPlan | undefined {
  const w = program.constants.get(node.inputs[1] ?? "");
  const x = program.values.get(node.inputs[0] ?? "");
  if (!w || !x) return undefined;
  if (node.op === "Conv") return convPlan(node, x.shape, w.shape);
  const dense = (node.op === "Gemm" && (node.attrs["transA"] ?? 0) === 0) || (node.op === "MatMul" && w.shape.length === 2);
  if (!dense || x.shape.length < 2) return undefined;
  const k = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((a, b) => a * b, 1) / k;
  return {
    fanIn: k,
    groups: 1,
    perSample: rows,
    forEach: (data, take, visit) => {
      for (let r = 0; r < rows; r++) if (take(r)) visit(0, data.subarray(r * k, (r + 1) * k));
    },
  };
}

/** Receptive-field patches of a 2-D Conv in NCHW or NHWC (`layout` attribute), zero in the padding. */
function convPlan(node: Node, xShape: readonly number[], wShape: readonly number[]): PatchPlan | undefined {
  if (xShape.length !== 4 || wShape.length !== 4) return undefined;
  const nhwc = node.attrs["layout"] === "NHWC";
  const [batch, c, h, wd] = nhwc ? [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!] : (xShape as [number, number, number, number]);
  const [kh, kw] = nhwc ? [wShape[1]!, wShape[2]!] : [wShape[2]!, wShape[3]!];
  const groups = typeof node.attrs["group"] === "number" ? node.attrs["group"] : 1;
  const strides = intsAttr(node, "strides", 2, 1);
  const dilations = intsAttr(node, "dilations", 2, 1);
  if (!strides || !dilations || c % groups !== 0) return undefined;
  const pads = windowPads(node, [h, wd], [(kh - 1) * dilations[0]! + 1, (kw - 1) * dilations[1]! + 1], strides);
  if (!pads) return undefined;
  const oh = Math.floor((h + pads[0]! + pads[2]! - ((kh - 1) * dilations[0]! + 1)) / strides[0]!) + 1;
  const ow = Math.floor((wd + pads[1]! + pads[3]! - ((kw - 1) * dilations[1]! + 1)) / strides[1]!) + 1;
  const cg = c / groups;
  const fanIn = kh * kw * cg;
  const at = nhwc ? (n: number, ch: number, y: number, xx: number) => ((n * h + y) * wd + xx) * c + ch : (n: number, ch: number, y: number, xx: number) => ((n * c + ch) * h + y) * wd + xx;
  return {
    fanIn,
    groups,
    perSample: batch * oh * ow * groups,
    forEach: (data, take, visit) => {
      const v = new Float64Array(fanIn);
      let index = 0;
      for (let n = 0; n < batch; n++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let g = 0; g < groups; g++) {
        if (!take(index++)) continue;
        let k = 0;
        for (let i = 0; i < kh; i++) {
          const y = oy * strides[0]! - pads[0]! + i * dilations[0]!;
          for (let j = 0; j < kw; j++) {
            const xx = ox * strides[1]! - pads[1]! + j * dilations[1]!;
            const inside = y >= 0 && y < h && xx >= 0 && xx < wd;
            for (let ch = 0; ch < cg; ch++) v[k++] = inside ? data[at(n, g * cg + ch, y, xx)]! : 0;
          }
        }
        visit(g, v);
      }
    },
  };
}
