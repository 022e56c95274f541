import { fail } from "../../../errors.js";
import { DTYPES } from "../../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../../graph.js";
import type { OpDef } from "../../op.js";
import { registerOps } from "../../registry.js";
import { shapeToString } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { requireOnnxQ } from "./onnx-common.js";
import { matmulBatches, type MatmulBatches } from "./onnx-matmul-batches.js";

/**
 * ONNX MatMulInteger (opset 10): y = sum_k (a - a_zp) * (b - b_zp) as int32, int8/uint8 operands
 * with numpy matmul broadcasting. a_zero_point is a scalar or one per row of A ([M]); b_zero_point
 * a scalar or one per column of B ([N]); absent ones are 0. The C accumulates in int64 and stores
 * the low 32 bits, as onnxruntime's int32 accumulator does.
 */
interface IntegerPlan extends MatmulBatches {
  /** 1 when the zero point has one value per row (A) / column (B), 0 for a scalar or none. */
  readonly aPerRow: 0 | 1;
  readonly bPerColumn: 0 | 1;
}

function zeroPointMode(node: Node, info: ValueInfo | undefined, what: string, dtype: string, perAxis: number): 0 | 1 {
  if (!info) return 0;
  if (info.dtype !== dtype) fail("unsupported-dtype", nodeLabel(node), `the ${what} must be ${dtype} like its operand, got ${info.dtype}`);
  const n = info.shape.reduce((a, b) => a * b, 1);
  if (info.shape.length <= 1 && n === 1) return 0;
  if (info.shape.length === 1 && n === perAxis) return 1;
  return fail("bad-shape", nodeLabel(node), `the ${what} must be a scalar or [${perAxis}], got ${shapeToString(info.shape)}`);
}

function plan(node: Node, [a, b, az, bz]: readonly (ValueInfo | undefined)[]): IntegerPlan {
  const at = requireOnnxQ(node, a, "a");
  const bt = requireOnnxQ(node, b, "b");
  const batches = matmulBatches(node, a!.shape, b!.shape);
  return { ...batches, aPerRow: zeroPointMode(node, az, "a_zero_point", at, batches.m), bPerColumn: zeroPointMode(node, bz, "b_zero_point", bt, batches.n) };
}

const MatMulInteger: OpDef = {
  name: "MatMulInteger",
  family: "quant",
  dataTypes: "int8, uint8 -> int32",
  inputs: { min: 2, max: 4 },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    return [{ dtype: "int32", shape: plan(node, inputs).outShape }];
  },
  evaluate(node, inputs) {
    const p = plan(node, inputs);
    const [a, b, az, bz] = inputs.map((t) => t?.toNumbers());
    const y = new Float64Array(p.aOffsets.length * p.m * p.n);
    let i = 0;
    for (let t = 0; t < p.aOffsets.length; t++) {
      for (let r = 0; r < p.m; r++) for (let c = 0; c < p.n; c++) {
        const za = az ? az[r * p.aPerRow]! : 0;
        const zb = bz ? bz[c * p.bPerColumn]! : 0;
        let acc = 0;
        for (let j = 0; j < p.k; j++) acc += (a![p.aOffsets[t]! + r * p.k + j]! - za) * (b![p.bOffsets[t]! + j * p.n + c]! - zb);
        y[i++] = acc | 0;
      }
    }
    return [Tensor.fromNumbers("int32", p.outShape, y)];
  },
  emitC(node, ctx) {
    const names = node.inputs;
    const p = plan(node, names.map((nm) => (nm === "" ? undefined : ctx.info(nm))));
    const A = DTYPES[ctx.info(names[0]!).dtype];
    const B = DTYPES[ctx.info(names[1]!).dtype];
    const fn = `eg_onnx_matmul_integer_${A.suffix}_${B.suffix}`;
    ctx.define(fn, [
      `static void ${fn}(const ${A.ctype} *a, const ${B.ctype} *b, const ${A.ctype} *az, const ${B.ctype} *bz, int32_t *y,`,
      "    int32_t batches, const int32_t *a_off, const int32_t *b_off, int32_t m, int32_t k, int32_t n, int32_t a_per_row, int32_t b_per_column) {",
      "  int32_t t, r, c, j;",
      "  for (t = 0; t < batches; t++) for (r = 0; r < m; r++) for (c = 0; c < n; c++) {",
      `    const ${A.ctype} *ar = a + a_off[t] + r * k;`,
      `    const ${B.ctype} *bc = b + b_off[t] + c;`,
      "    const int32_t za = az != NULL ? (int32_t)az[r * a_per_row] : 0, zb = bz != NULL ? (int32_t)bz[c * b_per_column] : 0;",
      "    int64_t acc = 0;",
      "    for (j = 0; j < k; j++) acc += (int64_t)((int32_t)ar[j] - za) * ((int32_t)bc[j * n] - zb);",
      "    *y++ = (int32_t)(uint32_t)(uint64_t)acc;",
      "  }",
      "}",
    ].join("\n"));
    const ptrs = [0, 1, 2, 3].map((i) => ctx.ptr(names[i] ?? "")).join(", ");
    ctx.line(`${fn}(${ptrs}, ${ctx.ptr(node.outputs[0]!)}, ${p.aOffsets.length}, ${ctx.constArray("int32_t", p.aOffsets)}, ${ctx.constArray("int32_t", p.bOffsets)}, ${p.m}, ${p.k}, ${p.n}, ${p.aPerRow}, ${p.bPerColumn});`);
  },
  macs(node, inputs) {
    const p = plan(node, inputs);
    return p.aOffsets.length * p.m * p.n * p.k;
  },
};

registerOps([MatMulInteger]);
