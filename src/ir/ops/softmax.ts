import { fail } from "../../errors.js";
import { attrInt, checkOneOf, hasAttr, withAttrs } from "../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { normAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import { prod, requireF32 } from "./nn-common.js";

/**
 * Softmax, LogSoftmax and Hardmax. Canonical form: an explicit `axis` plus `coerce2d` (0/1).
 * Before opset 13 the input is coerced to 2-D at `axis` (default 1) and the op runs over the
 * flattened tail (`coerce2d: 1`); from opset 13 it runs along `axis` alone (default -1).
 * Kernel in runtime-c/kernels/softmax_f32.c.
 */

type Mode = "softmax" | "logsoftmax" | "hardmax";

/** Kernel modes, equal to EG_SOFTMAX / EG_LOG_SOFTMAX / EG_HARDMAX in softmax_f32.h. */
const MODE_CODE: Readonly<Record<Mode, number>> = { softmax: 0, logsoftmax: 1, hardmax: 2 };

/** The [outer, n, inner] view the op reduces over (axis 1 of the view). */
interface SoftmaxView {
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
}

function viewOf(node: Node, x: ValueInfo | undefined): SoftmaxView {
  const xi = requireF32(node, x, "input");
  const rank = xi.shape.length;
  const raw = attrInt(node, "axis", -1);
  const coerce2d = checkOneOf(node, "coerce2d", attrInt(node, "coerce2d", 0), [0, 1]) === 1;
  // A scalar has one element to normalise; treat it as rank 1.
  const axis = rank === 0 ? 0 : normAxis(raw, rank);
  if (axis === undefined) fail("bad-attribute", nodeLabel(node), `axis ${raw} is out of range for an input of rank ${rank}`);
  if (coerce2d) return { outer: prod(xi.shape, 0, axis), n: prod(xi.shape, axis), inner: 1 };
  return { outer: prod(xi.shape, 0, axis), n: rank === 0 ? 1 : xi.shape[axis]!, inner: prod(xi.shape, axis + 1) };
}

function reference(mode: Mode, v: SoftmaxView, x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let o = 0; o < v.outer; o++) {
    for (let i = 0; i < v.inner; i++) {
      const at = (j: number) => (o * v.n + j) * v.inner + i;
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < v.n; j++) {
        if (x[at(j)]! > max || j === 0) {
          max = x[at(j)]!;
          arg = j;
        }
      }
      if (mode === "hardmax") {
        for (let j = 0; j < v.n; j++) y[at(j)] = j === arg ? 1 : 0;
        continue;
      }
      let sum = 0;
      for (let j = 0; j < v.n; j++) sum += Math.exp(x[at(j)]! - max);
      for (let j = 0; j < v.n; j++) {
        const shifted = x[at(j)]! - max;
        y[at(j)] = mode === "logsoftmax" ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
      }
    }
  }
  return y;
}

function softmaxOp(name: string, mode: Mode): OpDef {
  return {
    name,
    family: "softmax",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    canonicalize(node, opset) {
      if (opset >= 13) return hasAttr(node, "axis") ? node : withAttrs(node, { axis: -1 });
      return withAttrs(node, { axis: hasAttr(node, "axis") ? node.attrs.axis : 1, coerce2d: 1 });
    },
    infer(node, [x]) {
      viewOf(node, x);
      return [x!];
    },
    evaluate: (node, [x]) => [Tensor.fromNumbers("float32", x!.shape, reference(mode, viewOf(node, x), x!.toNumbers()))],
    emitC(node, ctx) {
      const v = viewOf(node, ctx.info(node.inputs[0]!));
      ctx.useRuntime("softmax_f32");
      ctx.line(`eg_softmax_f32(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${v.outer}, ${v.n}, ${v.inner}, ${MODE_CODE[mode]});`);
    },
    macs: (_node, [x]) => prod(x!.shape),
  };
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const SOFTMAX_OPS: readonly OpDef[] = [softmaxOp("Softmax", "softmax"), softmaxOp("LogSoftmax", "logsoftmax"), softmaxOp("Hardmax", "hardmax")];
