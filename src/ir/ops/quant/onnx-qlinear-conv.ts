import { fail } from "../../../errors.js";
import { attrInt } from "../../attrs.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { Tensor } from "../../tensor.js";
import { convReference, type ConvPlan } from "../conv-reference.js";
import { forwardWindow, readKernelShape, readWindowAttrs, spatialRankOf, windowParams } from "../window.js";
import { defineOnnxRounding, requantizeOnnx, requireOnnxQ, requireOnnxWeight, requireScale, requireZeroPoint, weightAccess, type OnnxQDType } from "./onnx-common.js";

/**
 * ONNX QLinearConv (1-D to 3-D, groups, strides, dilations, pads, auto_pad; NCHW):
 *   acc[m] = B[m] + sum (x - x_zp) * (w - w_zp[m])   (int32; padding contributes 0)
 *   y = saturate(rint(float(acc) * ((x_scale * w_scale[m]) / y_scale)) + y_zp)   (float32)
 * w_scale / w_zero_point are per tensor or per output channel. This op runs any QLinearConv with
 * run-time parameters; with constant ones src/importers/onnx/qdq.ts maps it onto QConv2D. It
 * also runs Egret's int4 QDQ layers: int4 / uint4 weights, read packed from flash.
 */

interface QConvPlan {
  readonly conv: ConvPlan;
  readonly perChannel: 0 | 1;
  readonly out: OnnxQDType;
}

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): QConvPlan {
  const [x, xs, xz, w, ws, wz, ys, yz, b] = inputs;
  const xt = requireOnnxQ(node, x, "x");
  const wt = requireOnnxWeight(node, w, "w");
  const out = requireOnnxQ(node, yz, "y_zero_point");
  const rank = spatialRankOf(node, x!.shape);
  const W = w!.shape;
  if (W.length !== rank + 2) fail("bad-shape", nodeLabel(node), `w must have rank ${rank + 2} ([M, C/group, k...]), got [${W.join(",")}]`);
  const group = attrInt(node, "group", 1);
  const [batch, channels] = x!.shape as [number, number];
  const outChannels = W[0]!;
  if (group < 1 || channels % group !== 0 || outChannels % group !== 0 || W[1] !== channels / group) {
    fail("bad-shape", nodeLabel(node), `x has ${channels} channels, w is [${W.join(",")}] and group = ${group}: need C and M divisible by group and w[1] = C / group`);
  }
  requireZeroPoint(node, xz, "x_zero_point", requireScale(node, xs, "x_scale"), xt);
  const wCount = requireScale(node, ws, "w_scale", outChannels);
  requireZeroPoint(node, wz, "w_zero_point", wCount, wt);
  requireZeroPoint(node, yz, "y_zero_point", requireScale(node, ys, "y_scale"), out);
  if (b && (b.dtype !== "int32" || b.shape.length !== 1 || b.shape[0] !== outChannels)) {
    fail("bad-shape", nodeLabel(node), `B must be int32[${outChannels}], got ${b.dtype}[${b.shape.join(",")}]`);
  }
  const kernel = readKernelShape(node, rank, W.slice(2));
  const win = forwardWindow(node, x!.shape.slice(2), kernel, readWindowAttrs(node, rank));
  const conv: ConvPlan = { batch, inChannels: channels, outChannels, group, win, outShape: [batch, outChannels, ...win.output.slice(3 - rank)] };
  return { conv, perChannel: wCount === 1 ? 0 : 1, out };
}

const QLinearConv: OpDef = {
  name: "QLinearConv",
  family: "quant",
  dataTypes: "int8, uint8 (weights also int4, uint4)",
  inputs: { min: 8, max: 9 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = plan(node, inputs);
    return [{ dtype: p.out, shape: p.conv.outShape }];
  },
  evaluate(node, inputs) {
    const p = plan(node, inputs);
    const [x, xs, xz, w, ws, wz, ys, yz, b] = inputs.map((t) => t?.toNumbers());
    const M = p.conv.outChannels;
    const perOut = w!.length / M;
    const xc = x!.map((v) => v - xz![0]!);
    const wc = w!.map((v, i) => v - wz![Math.floor(i / perOut) * p.perChannel]!);
    // Integer products summed in float64 are exact here (|acc| < 2^53).
    const acc = convReference(p.conv, xc, wc, b);
    const plane = acc.length / (p.conv.batch * M);
    const y = acc.map((v, i) => {
      const q = (Math.floor(i / plane) % M) * p.perChannel;
      return requantizeOnnx(v, Math.fround(Math.fround(xs![0]! * ws![q]!) / ys![0]!), yz![0]!, p.out);
    });
    return [Tensor.fromNumbers(p.out, p.conv.outShape, y)];
  },
  emitC(node, ctx) {
    const names = node.inputs;
    const p = plan(node, names.map((nm) => (nm === "" ? undefined : ctx.info(nm))));
    const X = DTYPES[ctx.info(names[0]!).dtype];
    const W = DTYPES[ctx.info(names[3]!).dtype];
    const Y = DTYPES[p.out];
    const wa = weightAccess(ctx, names[3]!);
    const fn = `eg_onnx_qlinear_conv_${X.suffix}_${wa.suffix}_${Y.suffix}`;
    defineOnnxRounding(ctx);
    // g: [batch, C, M, group, per_channel, in D,H,W, out D,H,W, kernel, stride, dilation, pad begin].
    ctx.define(fn, [
      `static void ${fn}(const ${X.ctype} *x, const float *xs, const ${X.ctype} *xz, ${wa.param}, const float *ws, const ${W.ctype} *wz,`,
      `    const float *ys, const ${Y.ctype} *yz, const int32_t *bias, ${Y.ctype} *y, const int32_t *g) {`,
      "  const int32_t N = g[0], C = g[1], M = g[2], G = g[3], per = g[4];",
      "  const int32_t *in = g + 5, *out = g + 8, *k = g + 11, *s = g + 14, *d = g + 17, *pb = g + 20;",
      "  const int32_t cg = C / G, mg = M / G, taps = k[0] * k[1] * k[2];",
      "  int32_t n, m, od, oh, ow, c, kd, kh, kw;",
      "  for (n = 0; n < N; n++) for (m = 0; m < M; m++) {",
      "    const int32_t q = m * per, grp = m / mg;",
      "    const float multiplier = (xs[0] * ws[q]) / ys[0];",
      "    for (od = 0; od < out[0]; od++) for (oh = 0; oh < out[1]; oh++) for (ow = 0; ow < out[2]; ow++) {",
      "      int64_t acc = bias ? bias[m] : 0;",
      "      for (c = 0; c < cg; c++) {",
      "        const " + X.ctype + " *xp = x + ((int32_t)n * C + grp * cg + c) * in[0] * in[1] * in[2];",
      "        const int32_t wbase = ((int32_t)m * cg + c) * taps;",
      "        for (kd = 0; kd < k[0]; kd++) {",
      "          const int32_t id = od * s[0] - pb[0] + kd * d[0];",
      "          if (id < 0 || id >= in[0]) continue;",
      "          for (kh = 0; kh < k[1]; kh++) {",
      "            const int32_t ih = oh * s[1] - pb[1] + kh * d[1];",
      "            if (ih < 0 || ih >= in[1]) continue;",
      "            for (kw = 0; kw < k[2]; kw++) {",
      "              const int32_t iw = ow * s[2] - pb[2] + kw * d[2];",
      "              if (iw < 0 || iw >= in[2]) continue;",
      `              acc += (int64_t)(((int32_t)xp[(id * in[1] + ih) * in[2] + iw] - (int32_t)xz[0]) * (${wa.read("wbase + (kd * k[1] + kh) * k[2] + kw")} - (int32_t)wz[q]));`,
      "            }",
      "          }",
      "        }",
      "      }",
      `      *y++ = (${Y.ctype})eg_onnx_saturate(eg_onnx_rint((float)acc * multiplier) + (float)yz[0], ${Y.min}, ${Y.max});`,
      "    }",
      "  }",
      "}",
    ].join("\n"));
    const c = p.conv;
    const geometry = [c.batch, c.inChannels, c.outChannels, c.group, p.perChannel, ...windowParams(c.win)];
    const ptrs = names.slice(0, 8).map((nm, i) => (i === 3 ? wa.ptr : ctx.ptr(nm))).join(", ");
    ctx.line(`${fn}(${ptrs}, ${ctx.ptr(names[8] ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${ctx.constArray("int32_t", geometry)});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_ONNX_QLINEAR_CONV_OPS: readonly OpDef[] = [QLinearConv];
