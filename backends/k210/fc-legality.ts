/**
 * Which fully connected layers (Gemm / MatMul with constant weights) the K210 KPU can run, as nncase
 * does it (K210-KPU.md §5.2 K210FullyConnectedTransform, §5.3 item 4 matmul_to_fake_kpu_conv2d): the
 * input vector becomes a K×1×1 map padded to 4×4 (the KPU takes no map under 4×4, §6 item 5), a 1×1
 * KPU conv with the FC weights computes every output feature at every pixel, and pixel (0, 0) is
 * taken back. A 1×1 kernel reads one pixel only, so the padded pixels never reach pixel (0, 0)
 * whatever their value; the padded map only has to be a legal KPU layer, which `kpuConvVerdict`
 * decides on the equivalent Conv (≤ 1024 channels in and out, ≤ 64 weight chunks, activation, …).
 */
import { attrFloat, attrInt } from "../../src/ir/attrs.js";
import type { Attrs, Node, ValueInfo } from "../../src/ir/graph.js";
import { kpuConvVerdict, type KpuConvGeometry } from "./legality.js";

/** The side of the map an FC runs on: the KPU's smallest (§1.4). */
export const KPU_FC_SIDE = 4;

/** An FC layer on the KPU: y[1, N] = act(x[1, K] · W + bias), as a 1×1 conv over a 4×4 map. */
export interface KpuFcShape {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Gemm's transB: B is [N, K] (1) or [K, N] (0). */
  readonly transB: boolean;
  readonly geometry: KpuConvGeometry;
}

export type KpuFcVerdict = { readonly ok: true; readonly fc: KpuFcShape } | { readonly ok: false; readonly reason: string };

const no = (reason: string): KpuFcVerdict => ({ ok: false, reason });

/** The fused-activation attributes of an FC node (fusion.rules puts them on Gemm as on Conv). */
export function activationAttrs(attrs: Attrs): Attrs {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => k.startsWith("activation")));
}

/**
 * Decides whether a Gemm or MatMul (`node`: its op and attributes) with A of type `a`, B of type `b`
 * and output `y` runs on the KPU. Only one row (M = 1, the FC of a classifier head): the KPU layer
 * runs one map, and a batch of rows would be a batch of layers.
 */
export function kpuFcVerdict(node: Pick<Node, "op" | "attrs">, a: ValueInfo | undefined, b: ValueInfo | undefined, y: ValueInfo | undefined): KpuFcVerdict {
  if (node.op !== "Gemm" && node.op !== "MatMul") return no(`${node.op} is not a fully connected layer`);
  if (a === undefined || b === undefined || y === undefined) return no("input, weight or output type unknown");
  if (a.dtype !== "float32" || b.dtype !== "float32") return no(`float32 FC expected, got ${a.dtype}`);
  if (a.shape.length !== 2 || b.shape.length !== 2) return no(`A ${a.shape.length}-D and B ${b.shape.length}-D: the KPU path takes a [1, K] row times a [K, N] matrix`);
  const gemm = node.op === "Gemm";
  const view = { ...node, name: "fc", inputs: [], outputs: [] } as Node;
  if (gemm && attrInt(view, "transA", 0) !== 0) return no("transA: the KPU path takes A as one row");
  if (gemm && (attrFloat(view, "alpha", 1) !== 1 || attrFloat(view, "beta", 1) !== 1)) return no("alpha or beta other than 1");
  const transB = gemm && attrInt(view, "transB", 0) === 1;
  const [m, k] = a.shape as [number, number];
  const [n, kB] = transB ? (b.shape as [number, number]) : [b.shape[1]!, b.shape[0]!];
  if (m !== 1) return no(`${m} rows: the KPU layer runs one vector (M = 1)`);
  if (k !== kB) return no(`inner dimensions ${k} and ${kB} differ`);
  const side = KPU_FC_SIDE;
  const conv = { name: "fc", op: "Conv", inputs: [], outputs: [], attrs: { ...activationAttrs(node.attrs), kernel_shape: [1, 1] } };
  const verdict = kpuConvVerdict(
    conv,
    { dtype: "float32", shape: [1, k, side, side] },
    { dtype: "float32", shape: [n, k, 1, 1] },
    { dtype: "float32", shape: [1, n, side, side] },
  );
  if (!verdict.ok) return no(`as a 1×1 KPU conv on a ${side}×${side} map: ${verdict.reason}`);
  return { ok: true, fc: { inFeatures: k, outFeatures: n, transB, geometry: verdict.geometry } };
}
