import { cLiteral } from "../../cgen/literals.js";
import { fail } from "../../errors.js";
import { attrFloat, attrInt } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { normAxis, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { prod, requireF32 } from "./nn-common.js";

/**
 * LayerNormalization (opset 17): normalises each row of X seen as [outer, inner] with
 * inner = prod(X.shape[axis:]). Outputs Y, Mean and InvStdDev (the last two optional, shaped
 * X.shape[:axis] + [1, ...]). Scale and B must hold exactly `inner` values. Registered by norm.ts.
 */
interface LayerNormPlan {
  readonly outer: number;
  readonly inner: number;
  readonly statShape: number[];
}

function plan(node: Node, [x, scale, bias]: readonly (ValueInfo | undefined)[]): LayerNormPlan {
  const xi = requireF32(node, x, "input");
  const raw = attrInt(node, "axis", -1);
  const axis = normAxis(raw, xi.shape.length);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for an input of rank ${xi.shape.length}`);
  const inner = prod(xi.shape, axis);
  for (const [what, v] of [["scale", scale], ["bias", bias]] as const) {
    if (what === "bias" && !v) continue;
    const info = requireF32(node, v, what);
    if (prod(info.shape) !== inner) {
      fail("bad-shape", nodeLabel(node), `the ${what} has shape ${shapeToString(info.shape)}; it must match the normalised dims ${shapeToString(xi.shape.slice(axis))}`);
    }
  }
  return { outer: prod(xi.shape, 0, axis), inner, statShape: xi.shape.map((d, i) => (i < axis ? d : 1)) };
}

export const LayerNormalization: OpDef = {
  name: "LayerNormalization",
  family: "norm",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 3 },
  infer(node, inputs) {
    const p = plan(node, inputs);
    if (attrInt(node, "stash_type", 1) !== 1) fail("bad-attribute", nodeLabel(node), "stash_type must be 1 (float32 statistics)");
    return [inputs[0]!, { dtype: "float32", shape: p.statShape }, { dtype: "float32", shape: p.statShape }];
  },
  evaluate(node, inputs) {
    const [x, scale, bias] = inputs;
    const p = plan(node, inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape } : undefined)));
    const eps = Math.fround(attrFloat(node, "epsilon", 1e-5));
    const xv = x!.toNumbers();
    const s = scale!.toNumbers();
    const b = bias?.toNumbers();
    const y = new Float64Array(xv.length);
    const mean = new Float64Array(p.outer);
    const invStd = new Float64Array(p.outer);
    for (let o = 0; o < p.outer; o++) {
      const row = xv.subarray(o * p.inner, (o + 1) * p.inner);
      const m = row.reduce((acc, v) => acc + v, 0) / p.inner;
      const variance = row.reduce((acc, v) => acc + (v - m) ** 2, 0) / p.inner;
      const k = 1 / Math.sqrt(variance + eps);
      row.forEach((v, i) => (y[o * p.inner + i] = (v - m) * k * s[i]! + (b ? b[i]! : 0)));
      mean[o] = m;
      invStd[o] = k;
    }
    return [Tensor.fromNumbers("float32", x!.shape, y), Tensor.fromNumbers("float32", p.statShape, mean), Tensor.fromNumbers("float32", p.statShape, invStd)];
  },
  emitC(node, ctx) {
    const p = plan(node, node.inputs.map((n) => (n === "" ? undefined : ctx.info(n))));
    const [x, scale, bias] = node.inputs;
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.useRuntime("norm_f32");
    ctx.line(
      `eg_layernorm_f32(${ctx.ptr(x!)}, ${ctx.ptr(scale!)}, ${ctx.ptr(bias ?? "")}, ${out(0)}, ${out(1)}, ${out(2)}, ` +
        `${p.outer}, ${p.inner}, ${cLiteral("float32", Math.fround(attrFloat(node, "epsilon", 1e-5)))});`,
    );
  },
  macs: (_node, [x]) => 2 * prod(x!.shape),
};
