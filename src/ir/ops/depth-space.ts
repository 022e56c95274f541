import { fail } from "../../errors.js";
import { attrInt, attrString, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { copyIntoContiguous, emitCopy, runCopy, type StridedCopy } from "./strided-copy.js";

/** Checks an NCHW input and the blocksize; returns [N, C, H, W] and the blocksize. */
function dims(node: Node, shape: readonly number[]): { n: number; c: number; h: number; w: number; b: number } {
  const b = attrInt(node, "blocksize");
  if (b < 1) fail("bad-attribute", nodeLabel(node), `blocksize ${b} must be at least 1`);
  if (shape.length !== 4) fail("bad-shape", nodeLabel(node), `input must be 4-D (N, C, H, W), got ${shapeToString(shape)}`);
  const [n, c, h, w] = shape as [number, number, number, number];
  return { n, c, h, w, b };
}

/**
 * DepthToSpace as a copy over the output seen as [N, C', H, b, W, b] (C' = C / b²): output
 * (n, c, h·b + i, w·b + j) reads input channel (i·b + j)·C' + c in DCR mode (the default), or
 * c·b² + i·b + j in CRD mode.
 */
function depthToSpaceCopy(node: Node, shape: readonly number[]): StridedCopy {
  const { n, c, h, w, b } = dims(node, shape);
  const mode = checkOneOf(node, "mode", attrString(node, "mode", "DCR"), ["DCR", "CRD"]);
  if (c % (b * b) !== 0) fail("bad-shape", nodeLabel(node), `channels ${c} are not divisible by blocksize² = ${b * b}`);
  const cOut = c / (b * b);
  const plane = h * w;
  const [cStride, iStride, jStride] = mode === "DCR" ? [plane, b * cOut * plane, cOut * plane] : [b * b * plane, b * plane, plane];
  return copyIntoContiguous([n, cOut, h, b, w, b], 0, [c * plane, cStride, w, iStride, 1, jStride]);
}

/**
 * SpaceToDepth (DCR order) as a copy over the output seen as [N, b, b, C, H', W']: output channel
 * (i·b + j)·C + c at (h', w') reads input (c, h'·b + i, w'·b + j).
 */
function spaceToDepthCopy(node: Node, shape: readonly number[]): StridedCopy {
  const { n, c, h, w, b } = dims(node, shape);
  if (h % b !== 0 || w % b !== 0) fail("bad-shape", nodeLabel(node), `height ${h} and width ${w} must be divisible by blocksize ${b}`);
  return copyIntoContiguous([n, b, b, c, h / b, w / b], 0, [c * h * w, w, 1, h * w, b * w, b]);
}

function blockOp(name: string, describe: (node: Node, shape: readonly number[]) => StridedCopy, outShape: (inShape: readonly number[], b: number) => number[]): OpDef {
  return {
    name,
    family: "tensor",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer(node, [x]) {
      describe(node, x!.shape);
      return [{ dtype: x!.dtype, shape: outShape(x!.shape, attrInt(node, "blocksize")) }];
    },
    evaluate(node, [x]) {
      const out = new Tensor(x!.dtype, outShape(x!.shape, attrInt(node, "blocksize")));
      runCopy(out.data, x!.data, describe(node, x!.shape));
      return [out];
    },
    emitC(node, ctx) {
      const x = ctx.info(node.inputs[0]!);
      emitCopy(ctx, node, node.outputs[0]!, node.inputs[0]!, x.dtype, describe(node, x.shape));
    },
  };
}

const DepthToSpace = blockOp("DepthToSpace", depthToSpaceCopy, ([n, c, h, w], b) => [n!, c! / (b * b), h! * b, w! * b]);
const SpaceToDepth = blockOp("SpaceToDepth", spaceToDepthCopy, ([n, c, h, w], b) => [n!, c! * b * b, h! / b, w! / b]);

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const DEPTH_SPACE_OPS: readonly OpDef[] = [DepthToSpace, SpaceToDepth];
