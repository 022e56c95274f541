import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { broadcastShapes, broadcastStrides, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { applyFusedActivation, emitFusedActivation, readFusedActivation } from "./fused-activation.js";
import { prod, requireF32 } from "./nn-common.js";

/**
 * Gemm and MatMul. Both lower to one strided float32 GEMM kernel (runtime-c/kernels/gemm_f32.c):
 * transposes and the broadcast of Gemm's C are expressed as strides.
 */

/** Element strides of a row-major matrix view: X[i,j] = x[i*rs + j*cs]. */
interface Strided {
  readonly rs: number;
  readonly cs: number;
}

interface GemmPlan {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly a: Strided;
  readonly b: Strided;
  /** Undefined when C is absent. */
  readonly c: Strided | undefined;
  readonly alpha: number;
  readonly beta: number;
}

/** Strides that read a C of shape [], [n], [1,n], [m,1], [m,n] as if broadcast to [M, N]. */
function biasStrides(node: Node, shape: readonly number[], M: number, N: number): Strided {
  const dims = shape.length === 0 ? [1, 1] : shape.length === 1 ? [1, shape[0]!] : shape.length === 2 ? shape : undefined;
  const ok = dims !== undefined && (dims[0] === 1 || dims[0] === M) && (dims[1] === 1 || dims[1] === N);
  if (!ok) fail("bad-shape", nodeLabel(node), `C of shape ${shapeToString(shape)} cannot be broadcast to the output ${M}x${N}`);
  return { rs: dims[0] === 1 ? 0 : dims[1]!, cs: dims[1] === 1 ? 0 : 1 };
}

function planGemm(node: Node, [a, b, c]: readonly (ValueInfo | undefined)[]): GemmPlan {
  const ai = requireF32(node, a, "A");
  const bi = requireF32(node, b, "B");
  const transA = checkOneOf(node, "transA", attrInt(node, "transA", 0), [0, 1]);
  const transB = checkOneOf(node, "transB", attrInt(node, "transB", 0), [0, 1]);
  if (ai.shape.length !== 2 || bi.shape.length !== 2) {
    fail("bad-shape", nodeLabel(node), `A and B must be matrices, got ${shapeToString(ai.shape)} and ${shapeToString(bi.shape)}`);
  }
  const [a0, a1] = ai.shape as [number, number];
  const [b0, b1] = bi.shape as [number, number];
  const M = transA ? a1 : a0;
  const K = transA ? a0 : a1;
  const kB = transB ? b1 : b0;
  const N = transB ? b0 : b1;
  if (K !== kB) fail("bad-shape", nodeLabel(node), `inner dimensions differ: op(A) is ${M}x${K}, op(B) is ${kB}x${N} (check transA/transB)`);
  return {
    M,
    N,
    K,
    a: transA ? { rs: 1, cs: M } : { rs: K, cs: 1 },
    b: transB ? { rs: 1, cs: K } : { rs: N, cs: 1 },
    c: c ? biasStrides(node, requireF32(node, c, "C").shape, M, N) : undefined,
    alpha: attrFloat(node, "alpha", 1),
    beta: attrFloat(node, "beta", 1),
  };
}

/** Reference GEMM in float64 on strided operands (shared by Gemm and MatMul). */
function gemmReference(p: GemmPlan, a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array | undefined, y: Float64Array, yOff: number): void {
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      let acc = 0;
      for (let k = 0; k < p.K; k++) acc += a[aOff + i * p.a.rs + k * p.a.cs]! * b[bOff + k * p.b.rs + j * p.b.cs]!;
      let v = p.alpha * acc;
      if (c && p.c) v += p.beta * c[i * p.c.rs + j * p.c.cs]!;
      y[yOff + i * p.N + j] = v;
    }
  }
}

const Gemm: OpDef = {
  name: "Gemm",
  halfAsFloat: true,
  dataTypes: "float32; float16 (widened to float32 at import)",
  family: "matmul",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    readFusedActivation(node);
    const p = planGemm(node, inputs);
    return [{ dtype: "float32", shape: [p.M, p.N] }];
  },
  evaluate(node, inputs) {
    const [a, b, c] = inputs;
    const p = planGemm(node, inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined)));
    const y = new Float64Array(p.M * p.N);
    gemmReference(p, a!.toNumbers(), 0, b!.toNumbers(), 0, c?.toNumbers(), y, 0);
    return [Tensor.fromNumbers("float32", [p.M, p.N], applyFusedActivation(node, y))];
  },
  emitC(node, ctx) {
    const p = planGemm(node, node.inputs.map((n) => (n === "" ? undefined : ctx.info(n))));
    const [a, b, c] = node.inputs;
    const cs = p.c ?? { rs: 0, cs: 0 };
    ctx.useRuntime("gemm_f32");
    ctx.line(
      `eg_gemm_f32(${p.M}, ${p.N}, ${p.K}, ${ctx.ptr(a!)}, ${p.a.rs}, ${p.a.cs}, ${ctx.ptr(b!)}, ${p.b.rs}, ${p.b.cs}, ` +
        `${ctx.ptr(c ?? "")}, ${cs.rs}, ${cs.cs}, ${cLiteral("float32", Math.fround(p.alpha))}, ${cLiteral("float32", Math.fround(p.beta))}, ${ctx.ptr(node.outputs[0]!)});`,
    );
    emitFusedActivation(node, ctx, p.M * p.N);
  },
  macs(node, inputs) {
    const p = planGemm(node, inputs);
    return p.M * p.N * p.K;
  },
};

interface MatMulPlan {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly outShape: number[];
  /** Element offsets of each batch's A and B matrices (numpy batch broadcasting). */
  readonly aOffsets: number[];
  readonly bOffsets: number[];
}

/**
 * numpy matmul: 1-D A is promoted to [1,K] and 1-D B to [K,1] (the added dim is dropped from the
 * output), leading dims broadcast. When B has no batch and A's batch is dense, the batch folds
 * into M so the kernel runs one large GEMM.
 */
function planMatMul(node: Node, [a, b]: readonly (ValueInfo | undefined)[]): MatMulPlan {
  const ai = requireF32(node, a, "A");
  const bi = requireF32(node, b, "B");
  if (ai.shape.length === 0 || bi.shape.length === 0) fail("bad-shape", nodeLabel(node), "MatMul inputs must have rank >= 1");
  const aShape = ai.shape.length === 1 ? [1, ai.shape[0]!] : ai.shape;
  const bShape = bi.shape.length === 1 ? [bi.shape[0]!, 1] : bi.shape;
  const M = aShape[aShape.length - 2]!;
  const K = aShape[aShape.length - 1]!;
  const N = bShape[bShape.length - 1]!;
  if (bShape[bShape.length - 2] !== K) {
    fail("bad-shape", nodeLabel(node), `inner dimensions differ: A is ${shapeToString(ai.shape)}, B is ${shapeToString(bi.shape)}`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes([aBatch, bBatch]);
  if (!batch) fail("bad-shape", nodeLabel(node), `batch dimensions of ${shapeToString(ai.shape)} and ${shapeToString(bi.shape)} do not broadcast`);
  const outShape = [...batch, ...(ai.shape.length === 1 ? [] : [M]), ...(bi.shape.length === 1 ? [] : [N])];
  const count = prod(batch);
  if (prod(bBatch) === 1 && aBatch.length === batch.length && prod(aBatch) === count) {
    return { M: M * count, N, K, outShape, aOffsets: [0], bOffsets: [0] };
  }
  const aStr = broadcastStrides(aBatch, batch);
  const bStr = broadcastStrides(bBatch, batch);
  const outStr = stridesOf(batch);
  const aOffsets: number[] = [];
  const bOffsets: number[] = [];
  for (let t = 0; t < count; t++) {
    let ao = 0;
    let bo = 0;
    for (let d = 0; d < batch.length; d++) {
      const idx = Math.floor(t / outStr[d]!) % batch[d]!;
      ao += idx * aStr[d]!;
      bo += idx * bStr[d]!;
    }
    aOffsets.push(ao * M * K);
    bOffsets.push(bo * K * N);
  }
  return { M, N, K, outShape, aOffsets, bOffsets };
}

function matmulGemm(p: MatMulPlan): GemmPlan {
  return { M: p.M, N: p.N, K: p.K, a: { rs: p.K, cs: 1 }, b: { rs: p.N, cs: 1 }, c: undefined, alpha: 1, beta: 0 };
}

const MatMul: OpDef = {
  name: "MatMul",
  halfAsFloat: true,
  dataTypes: "float32; float16 (widened to float32 at import)",
  family: "matmul",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer: (node, inputs) => [{ dtype: "float32", shape: planMatMul(node, inputs).outShape }],
  evaluate(node, [a, b]) {
    const p = planMatMul(node, [a, b].map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined)));
    const g = matmulGemm(p);
    const av = a!.toNumbers();
    const bv = b!.toNumbers();
    const y = new Float64Array(p.aOffsets.length * p.M * p.N);
    p.aOffsets.forEach((ao, t) => gemmReference(g, av, ao, bv, p.bOffsets[t]!, undefined, y, t * p.M * p.N));
    return [Tensor.fromNumbers("float32", p.outShape, y)];
  },
  emitC(node, ctx) {
    const p = planMatMul(node, node.inputs.map((n) => ctx.info(n)));
    const [a, b] = node.inputs;
    ctx.useRuntime("gemm_f32");
    const aOff = ctx.constArray("int32_t", p.aOffsets);
    const bOff = ctx.constArray("int32_t", p.bOffsets);
    ctx.line(`eg_matmul_f32(${ctx.ptr(a!)}, ${ctx.ptr(b!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.aOffsets.length}, ${p.M}, ${p.N}, ${p.K}, ${aOff}, ${bOff});`);
  },
  macs(node, inputs) {
    const p = planMatMul(node, inputs);
    return p.aOffsets.length * p.M * p.N * p.K;
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const MATMUL_OPS: readonly OpDef[] = [Gemm, MatMul];
