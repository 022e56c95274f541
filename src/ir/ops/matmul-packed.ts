import { fail } from "../../errors.js";
import { attrInt, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { applyFusedActivation, emitFusedActivation, readFusedActivation } from "./fused-activation.js";
import { nodeInfos, prod, requireF32, tensorInfos } from "./nn-common.js";
import { useTileRuntime } from "./tile-runtime.js";

/**
 * MatMulPacked: y[..., M, N] = a[..., M, K] * B[K, N] (+ bias[N]), B packed by PackMatMulWeights
 * into panels of 8 columns (runtime-c/kernels/matmul_packed_f32.c): 4 x 8 register tiles for row
 * blocks, a streaming row kernel for a GEMV. Optional fused activation as on Gemm.
 * rules/targets/float-kernels.rules offers it for MatMul with a matrix B and for Gemm without transA,
 * alpha = beta = 1 and a per-column (or no) C.
 *
 * PackMatMulWeights: B [K, N] (or [N, K] with trans = 1) -> [K, N] in the panel order. Folded at
 * compile time for constant weights, run by eg_pack_matmul_f32 otherwise.
 */

/** Width of B's panels: fixed by the layout (runtime-c/kernels/matmul_packed_f32.c). */
const PANEL = 8;

/** Packs (or, with unpack, restores) row-major B [K, N] into the panel layout. */
export function packPanels(values: Float64Array, k: number, n: number, unpack = false): Float64Array {
  const out = new Float64Array(values.length);
  for (let q = 0; q < n; q += PANEL) {
    const w = Math.min(PANEL, n - q);
    for (let r = 0; r < k; r++) {
      for (let j = 0; j < w; j++) {
        const plain = r * n + q + j;
        const packed = q * k + r * w + j;
        if (unpack) out[plain] = values[packed]!;
        else out[packed] = values[plain]!;
      }
    }
  }
  return out;
}

function packInfo(node: Node, b: ValueInfo | undefined): { k: number; n: number; trans: number } {
  const info = requireF32(node, b, "B");
  if (info.shape.length !== 2) fail("bad-shape", nodeLabel(node), `${node.op} packs a matrix B, got shape ${shapeToString(info.shape)}`);
  const trans = checkOneOf(node, "trans", attrInt(node, "trans", 0), [0, 1]);
  const [r, c] = info.shape as [number, number];
  return trans === 1 ? { k: c, n: r, trans } : { k: r, n: c, trans };
}

const PackMatMulWeights: OpDef = {
  name: "PackMatMulWeights",
  family: "matmul",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [b]) {
    const { k, n } = packInfo(node, b);
    return [{ dtype: "float32", shape: [k, n] }];
  },
  evaluate(node, [b]) {
    const { k, n, trans } = packInfo(node, b);
    let values = b!.toNumbers();
    if (trans === 1) {
      const plain = new Float64Array(values.length);
      for (let r = 0; r < k; r++) for (let j = 0; j < n; j++) plain[r * n + j] = values[j * k + r]!;
      values = plain;
    }
    return [Tensor.fromNumbers("float32", [k, n], packPanels(values, k, n))];
  },
  emitC(node, ctx) {
    const { k, n, trans } = packInfo(node, ctx.info(node.inputs[0]!));
    useTileRuntime(ctx, "matmul_packed_f32");
    ctx.line(`eg_pack_matmul_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${k}, ${n}, ${trans});`);
  },
};

interface PackedPlan {
  /** Rows of a (every leading dimension folded in), inner and output columns. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly outShape: number[];
}

function planPacked(node: Node, [a, b, bias]: readonly (ValueInfo | undefined)[]): PackedPlan {
  readFusedActivation(node);
  const ai = requireF32(node, a, "A");
  const bi = requireF32(node, b, "packed B");
  if (ai.shape.length < 2) fail("bad-shape", nodeLabel(node), `${node.op} needs A of rank >= 2, got ${shapeToString(ai.shape)}; use MatMul`);
  if (bi.shape.length !== 2) fail("bad-shape", nodeLabel(node), `${node.op} needs a matrix B, got ${shapeToString(bi.shape)}`);
  const [k, n] = bi.shape as [number, number];
  const kA = ai.shape[ai.shape.length - 1]!;
  if (kA !== k) fail("bad-shape", nodeLabel(node), `inner dimensions differ: A is ${shapeToString(ai.shape)}, B is ${k}x${n}`);
  if (bias !== undefined) {
    const ci = requireF32(node, bias, "bias");
    const perColumn = (ci.shape.length === 1 && ci.shape[0] === n) || (ci.shape.length === 2 && ci.shape[0] === 1 && ci.shape[1] === n);
    if (!perColumn) fail("bad-shape", nodeLabel(node), `${node.op} adds a bias of one value per column ([${n}] or [1, ${n}]), got ${shapeToString(ci.shape)}; use Gemm`);
  }
  return { m: prod(ai.shape, 0, ai.shape.length - 1), k, n, outShape: [...ai.shape.slice(0, -1), n] };
}

const MatMulPacked: OpDef = {
  name: "MatMulPacked",
  family: "matmul",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer: (node, inputs) => [{ dtype: "float32", shape: planPacked(node, inputs).outShape }],
  evaluate(node, inputs) {
    const p = planPacked(node, tensorInfos(inputs));
    const [a, bp, bias] = inputs;
    const av = a!.toNumbers();
    const bv = packPanels(bp!.toNumbers(), p.k, p.n, true);
    const cv = bias?.toNumbers();
    const y = new Float64Array(p.m * p.n);
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let acc = 0;
        for (let r = 0; r < p.k; r++) acc += av[i * p.k + r]! * bv[r * p.n + j]!;
        y[i * p.n + j] = acc + (cv ? cv[j]! : 0);
      }
    }
    return [Tensor.fromNumbers("float32", p.outShape, applyFusedActivation(node, y))];
  },
  scratchBytes: (node, inputs) => 4 * 13 * planPacked(node, inputs).k,
  emitC(node, ctx) {
    const p = planPacked(node, nodeInfos(node, ctx));
    useTileRuntime(ctx, "matmul_packed_f32");
    const [a, bp, bias] = node.inputs;
    ctx.line(`eg_matmul_packed_f32(${ctx.ptr(a!)}, ${ctx.ptr(bp!)}, ${ctx.ptr(bias ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${p.m}, ${p.n}, ${p.k}, ${ctx.scratch()});`);
    emitFusedActivation(node, ctx, p.m * p.n);
  },
  macs(node, inputs) {
    const p = planPacked(node, inputs);
    return p.m * p.n * p.k;
  },
};

/** The ops of this file, for the core op list (index.ts). */
export const MATMUL_PACKED_OPS: readonly OpDef[] = [PackMatMulWeights, MatMulPacked];
