import { fail } from "../../errors.js";
import { attrInts, hasAttr } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyIntoContiguous, emitCopy, runCopy, type StridedCopy } from "./strided-copy.js";

/** The permutation (default: reversed axes), checked to be one of 0..rank-1. */
function permutation(node: Node, rank: number): number[] {
  const perm = hasAttr(node, "perm") ? attrInts(node, "perm") : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !(p >= 0 && p < rank))) {
    fail("bad-attribute", nodeLabel(node), `perm [${perm.join(", ")}] is not a permutation of the ${rank} input axes (0 to ${rank - 1}, each once)`);
  }
  return perm;
}

/** Output axis i walks input axis perm[i]: read with the permuted input strides. */
function transposeCopy(node: Node, inShape: readonly number[]): StridedCopy {
  const perm = permutation(node, inShape.length);
  const inStrides = stridesOf(inShape);
  return copyIntoContiguous(
    perm.map((p) => inShape[p]!),
    0,
    perm.map((p) => inStrides[p]!),
  );
}

export const Transpose: OpDef = {
  name: "Transpose",
  family: "tensor",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer: (node, [x]) => [{ dtype: x!.dtype, shape: transposeCopy(node, x!.shape).shape }],
  evaluate(node, [x]) {
    const copy = transposeCopy(node, x!.shape);
    const out = new Tensor(x!.dtype, copy.shape);
    runCopy(out.data, x!.data, copy);
    return [out];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    emitCopy(ctx, node, node.outputs[0]!, node.inputs[0]!, x.dtype, transposeCopy(node, x.shape));
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const TRANSPOSE_OPS: readonly OpDef[] = [Transpose];
