import { fail } from "../../../errors.js";
import { nodeLabel, type Node } from "../../graph.js";

/**
 * numpy matmul broadcasting for the ONNX integer matmuls (QLinearMatMul, MatMulInteger): operands
 * of rank >= 2, batch dims broadcast; each output batch reads the A and B matrices at the listed
 * element offsets.
 */
export interface MatmulBatches {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly aOffsets: number[];
  readonly bOffsets: number[];
  readonly outShape: number[];
}

export function matmulBatches(node: Node, A: readonly number[], B: readonly number[]): MatmulBatches {
  if (A.length < 2 || B.length < 2) fail("bad-shape", nodeLabel(node), `a and b must have rank >= 2, got [${A.join(",")}] and [${B.join(",")}]`);
  const m = A[A.length - 2]!;
  const k = A[A.length - 1]!;
  const n = B[B.length - 1]!;
  if (B[B.length - 2] !== k) fail("bad-shape", nodeLabel(node), `a [${A.join(",")}] and b [${B.join(",")}] do not chain: ${k} != ${B[B.length - 2]}`);
  const batchA = A.slice(0, -2);
  const batchB = B.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pa = [...new Array<number>(rank - batchA.length).fill(1), ...batchA];
  const pb = [...new Array<number>(rank - batchB.length).fill(1), ...batchB];
  const batch = pa.map((d, i) => {
    const e = pb[i]!;
    if (d !== e && d !== 1 && e !== 1) fail("bad-shape", nodeLabel(node), `batch dims of a [${A.join(",")}] and b [${B.join(",")}] do not broadcast`);
    return Math.max(d, e);
  });
  const aOffsets: number[] = [];
  const bOffsets: number[] = [];
  const total = batch.reduce((x, y) => x * y, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let ao = 0;
    let bo = 0;
    let aStride = 1;
    let bStride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      ao += (pa[d] === 1 ? 0 : idx) * aStride;
      bo += (pb[d] === 1 ? 0 : idx) * bStride;
      aStride *= pa[d]!;
      bStride *= pb[d]!;
    }
    aOffsets.push(ao * m * k);
    bOffsets.push(bo * k * n);
  }
  return { m, k, n, aOffsets, bOffsets, outShape: [...batch, m, n] };
}
