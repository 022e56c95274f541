import { fail } from "../../../errors.js";
import { attrInts } from "../../attrs.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { clampInt } from "./fixed-point.js";
import { convInPlace } from "./in-place.js";
import { readActRange, requireQ, type QDType } from "./qparams.js";

/**
 * QAveragePool2D / QMaxPool2D on NHWC int8/int16 (TFLite reference_integer_ops pooling.h): the
 * window is clipped to the input (padding never counts), the average rounds half away from zero
 * with integer division, and the result is clamped to act_min/act_max. Input and output share
 * their quantization, so no rescaling happens. Kernels: runtime-c/kernels/qpool_i8.c.
 */

interface PoolPlan {
  readonly dtype: QDType;
  readonly n: number; readonly h: number; readonly w: number; readonly c: number;
  readonly oh: number; readonly ow: number;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly padTop: number; readonly padLeft: number;
  readonly actMin: number; readonly actMax: number;
}

function positivePair(node: Node, attr: string, dflt?: readonly number[]): [number, number] {
  const v = attrInts(node, attr, dflt);
  if (v.length !== 2 || v.some((d) => d < 1)) fail("bad-attribute", nodeLabel(node), `attribute "${attr}" must be two positive integers, got [${v.join(",")}]`);
  return [v[0]!, v[1]!];
}

function planPool(node: Node, x: ValueInfo | undefined): PoolPlan {
  const dtype = requireQ(node, x, "input");
  const shape = x!.shape;
  if (shape.length !== 4) fail("bad-shape", nodeLabel(node), `the input must be NHWC (rank 4), got [${shape.join(",")}]`);
  const [n, h, w, c] = shape as [number, number, number, number];
  const [kh, kw] = positivePair(node, "kernel");
  const [sh, sw] = positivePair(node, "strides", [1, 1]);
  const pads = attrInts(node, "pads", [0, 0, 0, 0]);
  if (pads.length !== 4 || pads.some((p) => p < 0)) fail("bad-attribute", nodeLabel(node), `attribute "pads" must be [top, left, bottom, right] >= 0, got [${pads.join(",")}]`);
  const oh = Math.floor((h + pads[0]! + pads[2]! - kh) / sh) + 1;
  const ow = Math.floor((w + pads[1]! + pads[3]! - kw) / sw) + 1;
  if (oh < 1 || ow < 1) fail("bad-shape", nodeLabel(node), `the ${kh}x${kw} window does not fit the padded ${h}x${w} input`);
  const act = readActRange(node, dtype);
  return { dtype, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop: pads[0]!, padLeft: pads[1]!, actMin: act.min, actMax: act.max };
}

function evaluatePool(p: PoolPlan, isMax: boolean, x: Tensor): Tensor {
  const xd = x.data as Int8Array | Int16Array;
  const out = new Float64Array(p.n * p.oh * p.ow * p.c);
  let at = 0;
  for (let b = 0; b < p.n; b++) for (let oy = 0; oy < p.oh; oy++) for (let ox = 0; ox < p.ow; ox++) {
    const y0 = oy * p.sh - p.padTop;
    const x0 = ox * p.sw - p.padLeft;
    const ky0 = Math.max(0, -y0), ky1 = Math.min(p.kh, p.h - y0);
    const kx0 = Math.max(0, -x0), kx1 = Math.min(p.kw, p.w - x0);
    for (let ch = 0; ch < p.c; ch++) {
      let acc = isMax ? -Infinity : 0;
      let count = 0;
      for (let ky = ky0; ky < ky1; ky++) for (let kx = kx0; kx < kx1; kx++) {
        const v = xd[((b * p.h + y0 + ky) * p.w + x0 + kx) * p.c + ch]!;
        acc = isMax ? Math.max(acc, v) : acc + v;
        count++;
      }
      let r: number;
      if (count === 0) r = 0; // an empty window (pads >= kernel): TFLite rejects it, we write 0 before clamping
      else if (isMax) r = acc;
      else r = Math.trunc(acc > 0 ? (acc + Math.trunc(count / 2)) / count : (acc - Math.trunc(count / 2)) / count);
      out[at++] = clampInt(r, p.actMin, p.actMax);
    }
  }
  return Tensor.fromNumbers(p.dtype, [p.n, p.oh, p.ow, p.c], out);
}

function poolOp(name: "QAveragePool2D" | "QMaxPool2D"): OpDef {
  const isMax = name === "QMaxPool2D";
  return {
    name,
    family: "quant",
    dataTypes: "int8, int16",
    inputs: { min: 1, max: 1 },
    outputs: { min: 1, max: 1 },
    infer(node, [x]) {
      const p = planPool(node, x);
      return [{ dtype: p.dtype, shape: [p.n, p.oh, p.ow, p.c] }];
    },
    evaluate(node, [x]) {
      return [evaluatePool(planPool(node, x), isMax, x!)];
    },
    emitC(node, ctx) {
      const p = planPool(node, ctx.info(node.inputs[0]!));
      ctx.useRuntime("qpool_i8");
      const params = ctx.constArray("int32_t", [p.n, p.h, p.w, p.c, p.oh, p.ow, p.kh, p.kw, p.sh, p.sw, p.padTop, p.padLeft, p.actMin, p.actMax, isMax ? 1 : 0]);
      ctx.line(`eg_qpool_${p.dtype === "int8" ? "i8" : "i16"}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${params});`);
    },
    inPlace(node, [x]) {
      const p = planPool(node, x);
      return convInPlace({ ...p, o: p.c, dh: 1, dw: 1 });
    },
    macs(node, [x]) {
      const p = planPool(node, x);
      return p.n * p.oh * p.ow * p.c * p.kh * p.kw;
    },
  };
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_POOL_OPS: readonly OpDef[] = [poolOp("QAveragePool2D"), poolOp("QMaxPool2D")];
