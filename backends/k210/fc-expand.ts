/**
 * The first step of the K210 lowering for fully connected layers: every `KpuFullyConnectedCandidate`
 * extraction kept becomes nncase's fake-KPU-conv form (K210-KPU.md §5.3 item 4):
 *
 *   x [1, K] → Reshape [1, K, 1, 1] → Pad (zeros) [1, K, 4, 4] → KpuConv2DCandidate 1×1 (weights
 *   [N, K, 1, 1], bias, the FC's fused activation) [1, N, 4, 4] → Slice pixel (0, 0) [1, N, 1, 1]
 *   → Reshape [1, N]
 *
 * which computes exactly the FC (a 1×1 kernel reads one pixel, so pixel (0, 0) of the conv is the
 * FC of pixel (0, 0) of the padded map, which is x). The conv candidate then goes through the KPU
 * lowering like any other (calibration, quantisation, legality re-check), and Reshape, Pad and Slice
 * are ordinary CPU ops in the C program and kmodel v4 (memory_copy, pad, strided_slice). A candidate
 * whose legality or constant weights fail here goes back to a float Gemm, with its reason.
 */
import type { Graph, Node, ValueInfo } from "../../src/ir/graph.js";
import { Tensor } from "../../src/ir/tensor.js";
import { activationAttrs, KPU_FC_SIDE, kpuFcVerdict, type KpuFcShape } from "./fc-legality.js";
import { KPU_CONV2D_CANDIDATE } from "./ops/kpu-conv2d-candidate.js";
import { KPU_FC_CANDIDATE } from "./ops/kpu-fc-candidate.js";

export interface FcExpansion {
  readonly program: Graph;
  /** The FC candidates that went back to a float Gemm, and why. */
  readonly fallbacks: readonly { readonly node: string; readonly reason: string }[];
}

/** Rewrites the extracted FC candidates of `program` (see the file comment); other nodes are untouched. */
export function expandFcCandidates(program: Graph): FcExpansion {
  if (!program.nodes.some((n) => n.op === KPU_FC_CANDIDATE)) return { program, fallbacks: [] };
  const constants = new Map(program.constants);
  const values = new Map<string, ValueInfo>(program.values);
  const fallbacks: { node: string; reason: string }[] = [];
  const nodes: Node[] = [];
  for (const node of program.nodes) {
    if (node.op !== KPU_FC_CANDIDATE) {
      nodes.push(node);
      continue;
    }
    const [aName, bName, cName] = node.inputs;
    const gemm: Node = { ...node, op: "Gemm" };
    const back = (reason: string) => {
      fallbacks.push({ node: node.name, reason });
      nodes.push(gemm);
    };
    const verdict = kpuFcVerdict(gemm, values.get(aName!), values.get(bName!), values.get(node.outputs[0]!));
    const weights = constants.get(bName!);
    const bias = cName ? constants.get(cName) : undefined;
    if (!verdict.ok) back(verdict.reason);
    else if (weights === undefined) back("the weights are computed at run time");
    else if (cName && bias === undefined) back("the bias is computed at run time");
    else nodes.push(...fcAsConv(node, verdict.fc, weights, bias, constants, values));
  }
  return { program: { ...program, nodes, constants, values }, fallbacks };
}

/** The five nodes of one FC on the KPU; adds their weight, bias and intermediate values. */
function fcAsConv(node: Node, fc: KpuFcShape, b: Tensor, c: Tensor | undefined, constants: Map<string, Tensor>, values: Map<string, ValueInfo>): Node[] {
  const { inFeatures: k, outFeatures: n } = fc;
  const side = KPU_FC_SIDE;
  const y = node.outputs[0]!;
  const name = (what: string) => `${node.name}/kpu_fc_${what}`;
  const value = (what: string, shape: number[]): string => {
    values.set(name(what), { dtype: "float32", shape });
    return name(what);
  };
  // OIHW 1×1 weights: W[o][i] = B[i][o] (transB 0) or B[o][i] (transB 1).
  const bv = b.toNumbers();
  const w = new Float32Array(n * k);
  for (let o = 0; o < n; o++) for (let i = 0; i < k; i++) w[o * k + i] = fc.transB ? bv[o * k + i]! : bv[i * n + o]!;
  constants.set(value("weights", [n, k, 1, 1]), new Tensor("float32", [n, k, 1, 1], w));
  const convInputs = [value("x4", [1, k, side, side]), name("weights")];
  if (c !== undefined) {
    // Gemm's C broadcasts over the row: [N], [1, N] or a single value.
    const cv = c.toNumbers();
    const bias = new Float32Array(n).map((_, o) => cv[cv.length === 1 ? 0 : o]!);
    constants.set(value("bias", [n]), new Tensor("float32", [n], bias));
    convInputs.push(name("bias"));
  }
  const x1 = value("x1", [1, k, 1, 1]);
  const map = value("y4", [1, n, side, side]);
  const pixel = value("y1", [1, n, 1, 1]);
  return [
    { name: name("reshape_in"), op: "Reshape", inputs: [node.inputs[0]!], outputs: [x1], attrs: { shape: [1, k, 1, 1] } },
    { name: name("pad"), op: "Pad", inputs: [x1], outputs: [name("x4")], attrs: { pads: [0, 0, 0, 0, 0, 0, side - 1, side - 1], mode: "constant", value: 0 } },
    { name: node.name, op: KPU_CONV2D_CANDIDATE, inputs: convInputs, outputs: [map], attrs: { ...activationAttrs(node.attrs), kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] } },
    { name: name("crop"), op: "Slice", inputs: [map], outputs: [pixel], attrs: { starts: [0, 0], ends: [1, 1], axes: [2, 3], steps: [1, 1] } },
    { name: name("reshape_out"), op: "Reshape", inputs: [pixel], outputs: [y], attrs: { shape: [1, n] } },
  ];
}
