import { fail } from "../../errors.js";
import { nodeLabel } from "../graph.js";
import { registerOps } from "../registry.js";
import type { OpDef } from "../op.js";
import { Tensor } from "../tensor.js";
import { numel } from "../shape.js";

/** Relu (example of the op-module pattern; the elementwise families extend this file's approach). */
const Relu: OpDef = {
  name: "Relu",
  family: "activation",
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    if (x!.dtype !== "float32") fail("unsupported-dtype", nodeLabel(node), `Relu supports float32 here, got ${x!.dtype}`);
    return [x!];
  },
  evaluate: (_node, [x]) => [Tensor.fromNumbers(x!.dtype, x!.shape, x!.toNumbers().map((v) => (v > 0 ? v : 0)))],
  emitC(node, ctx) {
    ctx.useRuntime("activation_f32");
    ctx.line(`eg_relu_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${numel(ctx.info(node.outputs[0]!).shape)});`);
  },
};

registerOps([Relu]);
