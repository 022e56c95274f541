import { fail } from "../../errors.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel, shapeToString, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";

/**
 * Det: determinant of each square matrix in the last two dimensions, by LU elimination with
 * partial pivoting (the first largest |pivot| in the column; a zero pivot gives 0). It runs in
 * double in both the interpreter and the C (one M×M double scratch matrix), so both perform the
 * same operations: Det is rare in MCU models and badly conditioned in float.
 */
const DET_DTYPES: readonly DType[] = ["float32", "float64"];

function planDet(node: Node, shape: Shape, dtype: DType): { batch: number; m: number; outShape: number[] } {
  if (!DET_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `Det supports ${DET_DTYPES.join(", ")}, got ${dtype}`);
  const r = shape.length;
  if (r < 2 || shape[r - 1] !== shape[r - 2]) fail("bad-shape", nodeLabel(node), `input must end in a square matrix (…, M, M), got ${shapeToString(shape)}`);
  return { batch: numel(shape.slice(0, -2)), m: shape[r - 1]!, outShape: shape.slice(0, -2) };
}

/** Determinant of the m×m row-major matrix `a` (overwritten by the elimination). */
function luDeterminant(a: Float64Array, m: number): number {
  let det = 1;
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]!) > Math.abs(a[p * m + c]!)) p = r;
    const pivot = a[p * m + c]!;
    if (pivot === 0) return 0;
    if (p !== c) {
      for (let j = 0; j < m; j++) [a[c * m + j], a[p * m + j]] = [a[p * m + j]!, a[c * m + j]!];
      det = -det;
    }
    det *= pivot;
    for (let r = c + 1; r < m; r++) {
      const f = a[r * m + c]! / pivot;
      for (let j = c + 1; j < m; j++) a[r * m + j] = a[r * m + j]! - f * a[c * m + j]!;
    }
  }
  return det;
}

const DET_C = `/* Determinant of each m x m matrix by LU with partial pivoting, in double; lu is m*m doubles of scratch. */
static double eg_det_lu(double *lu, int32_t m) {
  double det = 1.0;
  int32_t c, r, j, p;
  for (c = 0; c < m; c++) {
    double pivot;
    p = c;
    for (r = c + 1; r < m; r++) if (fabs(lu[r * m + c]) > fabs(lu[p * m + c])) p = r;
    pivot = lu[p * m + c];
    if (pivot == 0.0) return 0.0;
    if (p != c) {
      for (j = 0; j < m; j++) {
        const double t = lu[c * m + j];
        lu[c * m + j] = lu[p * m + j];
        lu[p * m + j] = t;
      }
      det = -det;
    }
    det *= pivot;
    for (r = c + 1; r < m; r++) {
      const double f = lu[r * m + c] / pivot;
      for (j = c + 1; j < m; j++) lu[r * m + j] = lu[r * m + j] - f * lu[c * m + j];
    }
  }
  return det;
}`;

const Det: OpDef = {
  name: "Det",
  family: "matmul",
  dataTypes: DET_DTYPES.join(", "),
  inputs: { min: 1, max: 1 },
  outputs: { min: 1, max: 1 },
  infer(node, [x]) {
    return [{ dtype: x!.dtype, shape: planDet(node, x!.shape, x!.dtype).outShape }];
  },
  evaluate(node, [x]) {
    const p = planDet(node, x!.shape, x!.dtype);
    const v = x!.toNumbers();
    const out = new Float64Array(p.batch);
    for (let b = 0; b < p.batch; b++) out[b] = luDeterminant(v.slice(b * p.m * p.m, (b + 1) * p.m * p.m), p.m);
    return [Tensor.fromNumbers(x!.dtype, p.outShape, out)];
  },
  emitC(node, ctx) {
    const x = ctx.info(node.inputs[0]!);
    const p = planDet(node, x.shape, x.dtype);
    if (p.batch === 0) {
      ctx.line("/* no matrices: nothing to compute */");
      return;
    }
    const T = DTYPES[x.dtype].ctype;
    const fn = `eg_det_${DTYPES[x.dtype].suffix}`;
    ctx.define("eg_det_lu", DET_C);
    ctx.define(
      fn,
      `static void ${fn}(const ${T} *x, ${T} *y, int32_t batch, int32_t m, double *lu) {
  int32_t b, i;
  for (b = 0; b < batch; b++) {
    for (i = 0; i < m * m; i++) lu[i] = (double)x[(size_t)b * (size_t)m * (size_t)m + (size_t)i];
    y[b] = (${T})eg_det_lu(lu, m);
  }
}`,
    );
    ctx.line(`${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.batch}, ${p.m}, (double *)${ctx.scratch()});`);
  },
  scratchBytes: (_node, [x]) => {
    const m = x!.shape[x!.shape.length - 1] ?? 0;
    return Math.max(1, m * m) * 8;
  },
  macs: (_node, [x]) => {
    const m = x!.shape[x!.shape.length - 1] ?? 0;
    return numel(x!.shape.slice(0, -2)) * Math.ceil((m * m * m) / 3);
  },
};

registerOps([Det]);
