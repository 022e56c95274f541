import { cLiteral } from "../../codegen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { broadcastShapes, broadcastStrides, normAxis, sameShape, shapeToString, stridesOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { nodeInfos, prod, requireF32, tensorInfos } from "./nn-common.js";

/**
 * RMSNormalization (opset 23): each row of X seen as [outer, inner], inner = prod(X.shape[axis:]),
 * becomes y = x / sqrt(mean(x^2) + epsilon) * scale. Scale broadcasts (numpy rules) to the
 * normalised dims X.shape[axis:]; statistics are float32 (stash_type 1).
 */
interface RmsNormPlan {
  readonly outer: number;
  readonly inner: number;
  /**
   * For each of the `inner` positions, the scale element it reads; undefined when scale already
   * holds exactly the normalised dims (index = position), which is the common case.
   */
  readonly scaleIndex?: readonly number[];
}

function plan(node: Node, [x, scale]: readonly (ValueInfo | undefined)[]): RmsNormPlan {
  const xi = requireF32(node, x, "input");
  const si = requireF32(node, scale, "scale");
  const raw = attrInt(node, "axis", -1);
  const axis = normAxis(raw, xi.shape.length);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for an input of rank ${xi.shape.length}`);
  const stash = attrInt(node, "stash_type", 1);
  if (stash !== 1) fail("bad-attribute", nodeLabel(node), `stash_type ${stash} is not supported: Egret computes the statistics in float32 (stash_type 1)`);
  const normShape = xi.shape.slice(axis);
  const joint = broadcastShapes([normShape, si.shape]);
  if (!joint || !sameShape(joint.slice(joint.length - normShape.length), normShape) || joint.slice(0, joint.length - normShape.length).some((d) => d !== 1)) {
    fail("bad-shape", nodeLabel(node), `the scale has shape ${shapeToString(si.shape)}; it must broadcast to the normalised dims ${shapeToString(normShape)}`);
  }
  const inner = prod(normShape);
  const base = { outer: prod(xi.shape, 0, axis), inner };
  if (prod(si.shape) === inner) return base;
  const own = si.shape.slice(Math.max(0, si.shape.length - normShape.length));
  const strides = broadcastStrides(own, normShape);
  const outStrides = stridesOf(normShape);
  const scaleIndex = Array.from({ length: inner }, (_, pos) => normShape.reduce((acc, d, k) => acc + (Math.floor(pos / outStrides[k]!) % d) * strides[k]!, 0));
  return { ...base, scaleIndex };
}


export const RMSNormalization: OpDef = {
  name: "RMSNormalization",
  family: "norm",
  inputs: { min: 2, max: 2 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    plan(node, inputs);
    return [inputs[0]!];
  },
  evaluate(node, inputs) {
    const p = plan(node, tensorInfos(inputs));
    const eps = Math.fround(attrFloat(node, "epsilon", 1e-5));
    const xv = inputs[0]!.toNumbers();
    const s = inputs[1]!.toNumbers();
    const y = new Float64Array(xv.length);
    for (let o = 0; o < p.outer; o++) {
      const row = xv.subarray(o * p.inner, (o + 1) * p.inner);
      const k = 1 / Math.sqrt(row.reduce((acc, v) => acc + v * v, 0) / p.inner + eps);
      row.forEach((v, i) => (y[o * p.inner + i] = v * k * s[p.scaleIndex ? p.scaleIndex[i]! : i]!));
    }
    return [Tensor.fromNumbers("float32", inputs[0]!.shape, y)];
  },
  emitC(node, ctx) {
    const p = plan(node, nodeInfos(node, ctx));
    const index = p.scaleIndex ? ctx.constArray("int32_t", p.scaleIndex) : "NULL";
    const eps = cLiteral("float32", Math.fround(attrFloat(node, "epsilon", 1e-5)));
    ctx.useRuntime("norm_f32");
    ctx.line(`eg_rmsnorm_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.inputs[1]!)}, ${index}, ${ctx.ptr(node.outputs[0]!)}, ${p.outer}, ${p.inner}, ${eps});`);
  },
  macs: (_node, [x]) => 2 * prod(x!.shape),
};

registerOps([RMSNormalization]);
