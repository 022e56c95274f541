import { fail } from "../../../errors.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { halfToNumber, numberToHalf } from "../../float16.js";
import { Tensor } from "../../tensor.js";
import { cHelper } from "../elementwise/c-helpers.js";
import { matmulBatches, type MatmulBatches } from "./onnx-matmul-batches.js";
import { defineOnnxRounding, requantizeOnnx, requireOnnxQ, requireOnnxWeight, requireScale, requireZeroPoint, weightAccess, type OnnxQDType } from "./onnx-common.js";

/**
 * ONNX QLinearMatMul: y = saturate(rint(float(acc) * (a_scale * b_scale / y_scale)) + y_zp) with
 * acc = sum_k (a - a_zp) * (b - b_zp) in int32, numpy matmul broadcasting over the batch axes
 * (rank >= 2 operands). b_scale/b_zero_point may be per column ([N]); the multiplier is
 * computed as onnxruntime does, (a_scale * b_scale) / y_scale, in the scales' type: float32, or
 * (opset 21) float16 with every step rounded to half precision like the ONNX reference.
 */

interface MatMulPlan extends MatmulBatches {
  readonly perColumn: 0 | 1;
  readonly out: OnnxQDType;
  readonly half: boolean;
}

function plan(node: Node, inputs: readonly (ValueInfo | undefined)[]): MatMulPlan {
  const [a, as, az, b, bs, bz, ys, yz] = inputs;
  const at = requireOnnxQ(node, a, "a");
  const bt = requireOnnxWeight(node, b, "b");
  const out = requireOnnxQ(node, yz, "y_zero_point");
  const batches = matmulBatches(node, a!.shape, b!.shape);
  requireZeroPoint(node, az, "a_zero_point", requireScale(node, as, "a_scale", undefined, true), at);
  const bCount = requireScale(node, bs, "b_scale", batches.n, true);
  requireZeroPoint(node, bz, "b_zero_point", bCount, bt);
  requireZeroPoint(node, yz, "y_zero_point", requireScale(node, ys, "y_scale", undefined, true), out);
  const half = as!.dtype === "float16";
  if (bs!.dtype !== as!.dtype || ys!.dtype !== as!.dtype) {
    fail("unsupported-dtype", nodeLabel(node), `a_scale, b_scale and y_scale must share one type, got ${as!.dtype}, ${bs!.dtype} and ${ys!.dtype}`);
  }
  return { ...batches, perColumn: bCount === 1 ? 0 : 1, out, half };
}

const QLinearMatMul: OpDef = {
  name: "QLinearMatMul",
  family: "quant",
  forms: "opsets 10 and 21 (float16 scales); per-column b parameters",
  dataTypes: "int8, uint8 (b also int4, uint4)",
  inputs: { min: 8, max: 8 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    const p = plan(node, inputs);
    return [{ dtype: p.out, shape: p.outShape }];
  },
  evaluate(node, inputs) {
    const p = plan(node, inputs);
    const [a, as, az, b, bs, bz, ys, yz] = inputs.map((t) => t!.toNumbers());
    const y = new Float64Array(p.aOffsets.length * p.m * p.n);
    let i = 0;
    for (let t = 0; t < p.aOffsets.length; t++) {
      for (let r = 0; r < p.m; r++) for (let c = 0; c < p.n; c++) {
        const q = c * p.perColumn;
        let acc = 0;
        for (let j = 0; j < p.k; j++) acc += (a![p.aOffsets[t]! + r * p.k + j]! - az![0]!) * (b![p.bOffsets[t]! + j * p.n + c]! - bz![q]!);
        const round = p.half ? (v: number) => halfToNumber(numberToHalf(v)) : Math.fround;
        const multiplier = round(round(as![0]! * bs![q]!) / ys![0]!);
        y[i++] = requantizeOnnx(acc, multiplier, yz![0]!, p.out);
      }
    }
    return [Tensor.fromNumbers(p.out, p.outShape, y)];
  },
  emitC(node, ctx) {
    const names = node.inputs;
    const p = plan(node, names.map((nm) => ctx.info(nm)));
    const A = DTYPES[ctx.info(names[0]!).dtype];
    const B = DTYPES[ctx.info(names[3]!).dtype];
    const Y = DTYPES[p.out];
    const wa = weightAccess(ctx, names[3]!);
    const fn = `eg_onnx_qlinear_matmul_${A.suffix}_${wa.suffix}_${Y.suffix}${p.half ? "_f16" : ""}`;
    const S = p.half ? "uint16_t" : "float";
    // float16 scales: each step of the multiplier rounds to half precision.
    const h = (v: string) => (p.half ? `${cHelper(ctx, "f16_to_f32")}(${cHelper(ctx, "f32_to_f16")}(${v}))` : v);
    const sc = (v: string) => (p.half ? `${cHelper(ctx, "f16_to_f32")}(${v})` : v);
    defineOnnxRounding(ctx);
    ctx.define(fn, [
      `static void ${fn}(const ${A.ctype} *a, const ${S} *as, const ${A.ctype} *az, ${wa.param}, const ${S} *bs, const ${B.ctype} *bz,`,
      `    const ${S} *ys, const ${Y.ctype} *yz, ${Y.ctype} *y, int32_t batches, const int32_t *a_off, const int32_t *b_off, int32_t m, int32_t k, int32_t n, int32_t per_column) {`,
      "  int32_t t, r, c, j;",
      "  for (t = 0; t < batches; t++) for (r = 0; r < m; r++) for (c = 0; c < n; c++) {",
      "    int32_t q = c * per_column;",
      "    const " + A.ctype + " *ar = a + a_off[t] + r * k;",
      "    const int32_t bc = b_off[t] + c;",
      "    int64_t acc = 0;",
      `    float multiplier = ${h(`${h(`${sc("as[0]")} * ${sc("bs[q]")}`)} / ${sc("ys[0]")}`)};`,
      `    for (j = 0; j < k; j++) acc += (int64_t)(((int32_t)ar[j] - (int32_t)az[0]) * (${wa.read("bc + j * n")} - (int32_t)bz[q]));`,
      `    *y++ = (${Y.ctype})eg_onnx_saturate(eg_onnx_rint((float)acc * multiplier) + (float)yz[0], ${Y.min}, ${Y.max});`,
      "  }",
      "}",
    ].join("\n"));
    const ptrs = names.map((nm, i) => (i === 3 ? wa.ptr : ctx.ptr(nm))).join(", ");
    ctx.line(`${fn}(${ptrs}, ${ctx.ptr(node.outputs[0]!)}, ${p.aOffsets.length}, ${ctx.constArray("int32_t", p.aOffsets)}, ${ctx.constArray("int32_t", p.bOffsets)}, ${p.m}, ${p.k}, ${p.n}, ${p.perColumn});`);
  },
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const QUANT_ONNX_QLINEAR_MATMUL_OPS: readonly OpDef[] = [QLinearMatMul];
