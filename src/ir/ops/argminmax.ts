import { fail } from "../../errors.js";
import { attrInt } from "../attrs.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { normAxis, numel, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { argFnCode, argFnName, REDUCE_DTYPES } from "./reduce-c.js";

/** The input viewed as [outer, len, inner] around the reduced axis, and the output shape. */
interface ArgPlan {
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly outShape: number[];
  readonly selectLast: boolean;
}

function planArg(node: Node, shape: Shape): ArgPlan {
  const rank = shape.length;
  const rawAxis = attrInt(node, "axis", 0);
  const axis = normAxis(rawAxis, rank);
  if (axis === undefined) {
    fail("bad-attribute", nodeLabel(node), `axis ${rawAxis} is out of range for a rank-${rank} input (valid: ${-rank} to ${rank - 1})`);
  }
  const keepdims = attrInt(node, "keepdims", 1) !== 0;
  const len = shape[axis]!;
  if (len === 0) fail("bad-shape", nodeLabel(node), `${node.op} along axis ${axis} of length 0 has no answer`);
  const outShape = shape.flatMap((d, i) => (i !== axis ? [d] : keepdims ? [1] : []));
  return {
    outer: numel(shape.slice(0, axis)),
    len,
    inner: numel(shape.slice(axis + 1)),
    outShape,
    selectLast: attrInt(node, "select_last_index", 0) !== 0,
  };
}

/** ArgMax/ArgMin: int64 index of the first (or last, `select_last_index`) extreme along `axis`. */
function argOp(name: "ArgMax" | "ArgMin", kind: "max" | "min"): OpDef {
  return {
    name,
    family: "reduce",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer(node, [x]) {
      if (!REDUCE_DTYPES.includes(x!.dtype)) {
        fail("unsupported-dtype", nodeLabel(node), `${name} supports ${REDUCE_DTYPES.join(", ")} inputs, got ${x!.dtype}`);
      }
      return [{ dtype: "int64", shape: planArg(node, x!.shape).outShape }];
    },
    evaluate(node, [x]) {
      const p = planArg(node, x!.shape);
      const v = x!.toNumbers();
      const out = new Float64Array(p.outer * p.inner);
      for (let o = 0; o < p.outer; o++) {
        for (let k = 0; k < p.inner; k++) {
          const base = o * p.len * p.inner + k;
          let best = v[base]!;
          let at = 0;
          for (let i = 1; i < p.len; i++) {
            const e = v[base + i * p.inner]!;
            const better = kind === "max" ? e > best : e < best;
            if (better || (p.selectLast && e === best)) {
              best = e;
              at = i;
            }
          }
          out[o * p.inner + k] = at;
        }
      }
      return [Tensor.fromNumbers("int64", p.outShape, out)];
    },
    emitC(node, ctx) {
      const x = ctx.info(node.inputs[0]!);
      const p = planArg(node, x.shape);
      const fn = argFnName(kind, x.dtype);
      ctx.define(fn, argFnCode(kind, x.dtype));
      ctx.line(`${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.outer}, ${p.len}, ${p.inner}, ${p.selectLast ? 1 : 0});`);
    },
  };
}

export const ArgMax = argOp("ArgMax", "max");
export const ArgMin = argOp("ArgMin", "min");
