import { fail } from "../../errors.js";
import { attrInts, hasAttr } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { prod, requireF32 } from "./nn-common.js";
import { readKernelShape, readWindowAttrs, spatialRankOf } from "./window.js";

/**
 * MaxUnpool (opset 9/11/22), float32: scatters X [N, C, D...] into zeros at the flat positions
 * given by I (MaxPool's Indices output, run time int64) of the unpooled tensor, whose spatial dims
 * are (in - 1) * stride - pad_begin - pad_end + kernel. With output_shape (a compile-time
 * constant, >= the unpooled shape) the unpooled tensor sits in its leading corner, the rest zeros.
 * Indices outside the unpooled tensor are skipped (the C never writes out of bounds).
 */
interface UnpoolPlan {
  readonly inShape: readonly number[];
  readonly unpooled: readonly number[];
  readonly outShape: readonly number[];
}

function plan(node: Node, [x, indices]: readonly (ValueInfo | undefined)[]): UnpoolPlan {
  const xi = requireF32(node, x, "X");
  const rank = spatialRankOf(node, xi.shape, "X");
  if (!indices || indices.dtype !== "int64" || indices.shape.join(",") !== xi.shape.join(",")) {
    fail("bad-shape", nodeLabel(node), `I must be int64 with X's shape ${shapeToString(xi.shape)}, got ${indices ? `${indices.dtype} ${shapeToString(indices.shape)}` : "nothing"}`);
  }
  const kernel = readKernelShape(node, rank);
  const { stride, pads } = readWindowAttrs(node, rank);
  const unpooled = [xi.shape[0]!, xi.shape[1]!, ...kernel.map((k, i) => (xi.shape[i + 2]! - 1) * stride[i]! - pads[i]! - pads[rank + i]! + k)];
  if (unpooled.some((d) => d < 1)) fail("bad-attribute", nodeLabel(node), `kernel_shape, strides and pads give an empty unpooled shape ${shapeToString(unpooled)}`);
  const outShape = hasAttr(node, "output_shape") ? attrInts(node, "output_shape") : unpooled;
  if (outShape.length !== unpooled.length || outShape.some((d, i) => d < unpooled[i]!)) {
    fail("bad-attribute", nodeLabel(node), `output_shape ${shapeToString(outShape)} must have rank ${unpooled.length} and be at least the unpooled shape ${shapeToString(unpooled)}`);
  }
  return { inShape: xi.shape, unpooled, outShape };
}

/** For each flat position of the unpooled tensor, its flat position in the output. */
function placement(p: UnpoolPlan): (flat: number) => number {
  const from = stridesOf(p.unpooled);
  const to = stridesOf(p.outShape);
  return (flat) => from.reduce((acc, s, k) => acc + (Math.floor(flat / s) % p.unpooled[k]!) * to[k]!, 0);
}

const MaxUnpool: OpDef = {
  name: "MaxUnpool",
  family: "pool",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  constInputs: [{ index: 2, attr: "output_shape" }],
  infer(node, inputs) {
    return [{ dtype: "float32", shape: [...plan(node, inputs).outShape] }];
  },
  evaluate(node, [x, indices]) {
    const p = plan(node, [x!, indices!]);
    const y = new Float64Array(prod(p.outShape));
    const place = placement(p);
    const total = prod(p.unpooled);
    const xv = x!.toNumbers();
    indices!.toNumbers().forEach((at, i) => {
      if (at >= 0 && at < total) y[place(at)] = xv[i]!;
    });
    return [Tensor.fromNumbers("float32", p.outShape, y)];
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((n) => ctx.info(n)));
    const rank = p.outShape.length;
    const dims = ctx.constArray("int32_t", [rank, prod(p.inShape), ...p.unpooled, ...p.outShape]);
    ctx.useRuntime("max_unpool_f32");
    ctx.line(`eg_max_unpool_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${ctx.ptr(node.outputs[0]!)}, ${dims});`);
  },
};

registerOps([MaxUnpool]);
