import { fail } from "../../errors.js";
import { attrString, checkOneOf } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { nodeInfos, requireF32, requireShape, tensorInfos } from "./nn-common.js";
import { withHalfIo } from "./half-io.js";

/**
 * CausalConvWithState (opset 27), float32: a depthwise causal 1-D convolution with a carried state,
 * the short convolution of Mamba / Gated DeltaNet layers. Per batch b and channel c, with
 * seq = past_state[b, c, :] (zeros when absent) followed by input[b, c, :]:
 *   output[b, c, t] = act(bias[c] + sum_k weight[c, 0, k] * seq[t + k])
 *   present_state[b, c, :] = the last kernel_size - 1 values of seq
 * act is none or silu (swish is the same function). Kernel: runtime-c/kernels/causal_conv_f32.c.
 */
interface CausalConvPlan {
  readonly batch: number;
  readonly channels: number;
  readonly length: number;
  readonly kernel: number;
  readonly silu: boolean;
}

function plan(node: Node, [x, w, bias, past]: readonly (ValueInfo | undefined)[]): CausalConvPlan {
  const xi = requireF32(node, x, "input");
  const wi = requireF32(node, w, "weight");
  if (xi.shape.length !== 3) fail("bad-shape", nodeLabel(node), `input must be [batch, channels, length], got ${shapeToString(xi.shape)}`);
  const [batch, channels, length] = xi.shape as [number, number, number];
  if (wi.shape.length !== 3 || wi.shape[0] !== channels || wi.shape[1] !== 1 || wi.shape[2]! < 1) {
    fail("bad-shape", nodeLabel(node), `weight must be [channels, 1, kernel_size] = [${channels}, 1, k], got ${shapeToString(wi.shape)}`);
  }
  const kernel = wi.shape[2]!;
  if (bias) requireShape(node, requireF32(node, bias, "bias"), "bias", [channels]);
  if (past) requireShape(node, requireF32(node, past, "past_state"), "past_state", [batch, channels, kernel - 1]);
  const activation = checkOneOf(node, "activation", attrString(node, "activation", "none"), ["none", "silu", "swish"]);
  return { batch, channels, length, kernel, silu: activation !== "none" };
}

function reference(p: CausalConvPlan, [x, w, bias, past]: readonly (Float64Array | undefined)[]): [Float64Array, Float64Array] {
  const carry = p.kernel - 1;
  const y = new Float64Array(p.batch * p.channels * p.length);
  const present = new Float64Array(p.batch * p.channels * carry);
  for (let b = 0; b < p.batch; b++) {
    for (let c = 0; c < p.channels; c++) {
      const row = b * p.channels + c;
      const seq = (i: number) => (i < carry ? (past ? past[row * carry + i]! : 0) : x![row * p.length + i - carry]!);
      for (let t = 0; t < p.length; t++) {
        let acc = bias ? bias[c]! : 0;
        for (let k = 0; k < p.kernel; k++) acc += w![c * p.kernel + k]! * seq(t + k);
        y[row * p.length + t] = p.silu ? acc / (1 + Math.exp(-acc)) : acc;
      }
      for (let i = 0; i < carry; i++) present[row * carry + i] = seq(p.length + i);
    }
  }
  return [y, present];
}


const CausalConvWithState: OpDef = {
  name: "CausalConvWithState",
  family: "conv",
  inputs: { min: 2, max: 4 },
  outputs: { min: 1, max: 2 },
  infer(node, inputs) {
    const p = plan(node, inputs);
    return [
      { dtype: "float32", shape: [p.batch, p.channels, p.length] },
      { dtype: "float32", shape: [p.batch, p.channels, p.kernel - 1] },
    ];
  },
  evaluate(node, inputs) {
    const p = plan(node, tensorInfos(inputs));
    const [y, present] = reference(p, inputs.map((t) => t?.toNumbers()));
    return [Tensor.fromNumbers("float32", [p.batch, p.channels, p.length], y), Tensor.fromNumbers("float32", [p.batch, p.channels, p.kernel - 1], present)];
  },
  emitC(node, ctx) {
    const p = plan(node, nodeInfos(node, ctx));
    const arg = (i: number) => ctx.ptr(node.inputs[i] ?? "");
    const out = (i: number) => ctx.ptr(node.outputs[i] ?? "");
    ctx.useRuntime("causal_conv_f32");
    ctx.line(`eg_causal_conv_f32(${arg(0)}, ${arg(1)}, ${arg(2)}, ${arg(3)}, ${out(0)}, ${out(1)}, ${p.batch}, ${p.channels}, ${p.length}, ${p.kernel}, ${p.silu ? 1 : 0});`);
  },
  macs(node, inputs) {
    const p = plan(node, inputs);
    return p.batch * p.channels * p.length * p.kernel;
  },
};

registerOps([withHalfIo(CausalConvWithState)]);
