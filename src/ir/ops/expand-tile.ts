import { fail } from "../../errors.js";
import { attrInts } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { broadcastShapes, broadcastStrides, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyIntoContiguous, emitCopy, runCopy, type StridedCopy } from "./strided-copy.js";

/** Expand: numpy broadcast of the input against `shape` (either side may be the larger). */
function expandCopy(node: Node, inShape: readonly number[]): StridedCopy {
  const target = attrInts(node, "shape");
  if (target.some((d) => d < 0)) fail("bad-attribute", nodeLabel(node), `shape [${target.join(", ")}] has a negative dimension`);
  const out = broadcastShapes([inShape, target]);
  if (!out) fail("bad-shape", nodeLabel(node), `cannot broadcast the input ${shapeToString(inShape)} to shape [${target.join(", ")}]`);
  return copyIntoContiguous(out, 0, broadcastStrides(inShape, out));
}

/**
 * Tile as a copy over (repeat, element) pairs per axis: output coordinate k·d + j reads input
 * coordinate j, so the repeat axis has source stride 0 and destination stride d·(output stride).
 */
function tileCopy(node: Node, inShape: readonly number[]): StridedCopy {
  const repeats = attrInts(node, "repeats");
  if (repeats.length !== inShape.length || repeats.some((r) => r < 0)) {
    fail("bad-attribute", nodeLabel(node), `repeats [${repeats.join(", ")}] must hold one non-negative count per input axis (${inShape.length})`);
  }
  const outShape = inShape.map((d, k) => d * repeats[k]!);
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  return {
    shape: inShape.flatMap((d, k) => [repeats[k]!, d]),
    srcOffset: 0,
    srcStrides: inShape.flatMap((_, k) => [0, inStrides[k]!]),
    dstOffset: 0,
    dstStrides: inShape.flatMap((d, k) => [d * outStrides[k]!, outStrides[k]!]),
  };
}

function tileOutShape(copy: StridedCopy): number[] {
  const shape: number[] = [];
  for (let k = 0; k < copy.shape.length; k += 2) shape.push(copy.shape[k]! * copy.shape[k + 1]!);
  return shape;
}

/** An op defined by one strided copy from input 0 into a fresh output. */
function copyOp(name: string, constInput: string, describe: (node: Node, inShape: readonly number[]) => StridedCopy, outShape: (copy: StridedCopy) => readonly number[]): OpDef {
  const op: OpDef = {
    name,
    family: "tensor",
    inputs: { min: 1, max: 2 },
    outputs: { min: 1, max: 1 },
    constInputs: [{ index: 1, attr: constInput }],
    infer: (node, [x]) => [{ dtype: x!.dtype, shape: [...outShape(describe(node, x!.shape))] }],
    evaluate(node, [x]) {
      const copy = describe(node, x!.shape);
      const out = new Tensor(x!.dtype, outShape(copy));
      runCopy(out.data, x!.data, copy);
      return [out];
    },
    emitC(node, ctx) {
      const x = ctx.info(node.inputs[0]!);
      emitCopy(ctx, node, node.outputs[0]!, node.inputs[0]!, x.dtype, describe(node, x.shape));
    },
  };
  return op;
}

const Expand = copyOp("Expand", "shape", expandCopy, (copy) => copy.shape);
const Tile = copyOp("Tile", "repeats", tileCopy, tileOutShape);

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const EXPAND_TILE_OPS: readonly OpDef[] = [Expand, Tile];
