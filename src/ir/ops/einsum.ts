import { fail } from "../../errors.js";
import { attrString } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { numel } from "../shape.js";
import { Tensor } from "../tensor.js";
import { planEinsum, type EinsumPlan } from "./einsum-plan.js";
import { storeInteger } from "./elementwise/evaluate.js";

/**
 * Einsum: any contraction numpy's einsum accepts (sums of products over labelled dimensions,
 * diagonals, transposes, broadcast `...`), as one loop nest over the output labels and then the
 * summed labels (see einsum-plan.ts). Float32 accumulates in float (as the MatMul kernels do),
 * float64 in double, integers in the unsigned wrap type (the interpreter wraps the same way).
 */
const EINSUM_DTYPES: readonly DType[] = ["float32", "float64", "int32", "int64", "uint32", "uint64"];
/** Mirrors EG_MAX_RANK in runtime-c/egret.h: the loop nest's index arrays. */
const EG_MAX_RANK = 8;
const MAX_INPUTS = 8;

function checkedPlan(node: Node, inputs: readonly (ValueInfo | undefined)[]): EinsumPlan {
  const infos = inputs as readonly ValueInfo[];
  const dtype = infos[0]!.dtype;
  if (!EINSUM_DTYPES.includes(dtype)) fail("unsupported-dtype", nodeLabel(node), `Einsum supports ${EINSUM_DTYPES.join(", ")}, got ${dtype}`);
  infos.forEach((t, k) => {
    if (t.dtype !== dtype) fail("unsupported-dtype", nodeLabel(node), `inputs 0 and ${k} must have the same element type, got ${dtype} and ${t.dtype}`);
  });
  const plan = planEinsum(node, attrString(node, "equation"), infos.map((t) => t.shape));
  if (plan.outDims.length > EG_MAX_RANK || plan.sumDims.length > EG_MAX_RANK) {
    fail("bad-shape", nodeLabel(node), `the contraction has ${plan.outDims.length} output and ${plan.sumDims.length} summed dimensions; the C kernel handles up to ${EG_MAX_RANK} of each`);
  }
  return plan;
}

/** Every (output, summed) index pair in loop order: calls `visit(outIndex, offsets per input)`. */
function walk(p: EinsumPlan, visit: (o: number, offsets: readonly number[]) => void): void {
  const dims = [...p.outDims, ...p.sumDims];
  const nSum = numel(p.sumDims);
  const idx = new Array<number>(dims.length).fill(0);
  const offs = p.strides.map(() => 0);
  const total = numel(dims);
  for (let n = 0; n < total; n++) {
    visit(Math.floor(n / nSum), offs);
    for (let d = dims.length - 1; d >= 0; d--) {
      p.strides.forEach((s, k) => (offs[k] = offs[k]! + s[d]!));
      if (++idx[d]! < dims[d]!) break;
      p.strides.forEach((s, k) => (offs[k] = offs[k]! - s[d]! * dims[d]!));
      idx[d] = 0;
    }
  }
}

function evaluateEinsum(node: Node, xs: readonly Tensor[]): Tensor {
  const p = checkedPlan(node, xs);
  const dtype = xs[0]!.dtype;
  const n = numel(p.outDims);
  if (DTYPES[dtype].isFloat) {
    const vals = xs.map((t) => t.toNumbers());
    const acc = new Float64Array(n);
    const round = dtype === "float32" ? Math.fround : (v: number) => v;
    walk(p, (o, offs) => {
      let prod = 1;
      offs.forEach((off, k) => (prod = round(prod * vals[k]![off]!)));
      acc[o] = round(acc[o]! + prod);
    });
    return Tensor.fromNumbers(dtype, p.outDims, acc);
  }
  const vals = xs.map((t) => Array.from(t.data as ArrayLike<number | bigint>, (v) => BigInt(v)));
  const bits = BigInt(DTYPES[dtype].bytes * 8);
  const acc = new Array<bigint>(n).fill(0n);
  walk(p, (o, offs) => {
    let prod = 1n;
    offs.forEach((off, k) => (prod = BigInt.asUintN(Number(bits), prod * vals[k]![off]!)));
    acc[o] = BigInt.asUintN(Number(bits), acc[o]! + prod);
  });
  return storeInteger(dtype, p.outDims, acc);
}

function einsumCode(fn: string, dtype: DType, nIn: number): string {
  const T = DTYPES[dtype].ctype;
  const A = DTYPES[dtype].isFloat ? T : DTYPES[dtype].bytes === 8 ? "uint64_t" : "uint32_t";
  const ks = Array.from({ length: nIn }, (_, k) => k);
  const step = (sign: "+" | "-", d: string, scale = "") => ks.map((k) => `off${k} ${sign}= strides[${k} * rank + ${d}]${scale};`).join(" ");
  return `/* Einsum with ${nIn} input(s): y[o] = sum over the summed labels of the product of the inputs,
   walking [output dims..., summed dims...] with per-input strides (0 where a label is absent).
   The last loop dimension is a tight inner loop of \`inner\` steps when it is a summed one
   (inner = 1 and walk = rank otherwise); the others advance like an odometer. */
static void ${fn}(${ks.map((k) => `const ${T} *x${k}, `).join("")}${T} *y, int32_t n_out, int32_t n_sum, const int32_t *dims, int32_t rank,
    const int32_t *strides, int32_t inner, int32_t walk) {
  int32_t idx[2 * EG_MAX_RANK] = { 0 };
  int32_t ${ks.map((k) => `off${k} = 0`).join(", ")};
  ${ks.map((k) => `const int32_t s${k} = walk < rank ? strides[${k} * rank + rank - 1] : 0;`).join("\n  ")}
  int32_t o, s, e, d;
  for (o = 0; o < n_out; o++) {
    ${A} acc = 0;
    for (s = 0; s < n_sum; s += inner) {
      for (e = 0; e < inner; e++) {
        acc = (${A})(acc + ${ks.map((k) => `(${A})x${k}[off${k} + e * s${k}]`).join(" * ")});
      }
      for (d = walk - 1; d >= 0; d--) {
        ${step("+", "d")}
        if (++idx[d] < dims[d]) break;
        ${step("-", "d", " * dims[d]")}
        idx[d] = 0;
      }
    }
    y[o] = (${T})acc;
  }
}`;
}

const Einsum: OpDef = {
  name: "Einsum",
  family: "matmul",
  dataTypes: EINSUM_DTYPES.join(", "),
  inputs: { min: 1, max: MAX_INPUTS },
  outputs: { min: 1, max: 1 },
  infer(node, inputs) {
    return [{ dtype: inputs[0]!.dtype, shape: [...checkedPlan(node, inputs).outDims] }];
  },
  evaluate: (node, inputs) => [evaluateEinsum(node, inputs as readonly Tensor[])],
  emitC(node, ctx) {
    const infos = node.inputs.map((n) => ctx.info(n));
    const p = checkedPlan(node, infos);
    const nOut = numel(p.outDims);
    if (nOut === 0) {
      ctx.line("/* empty output: nothing to compute */");
      return;
    }
    const dtype = infos[0]!.dtype;
    const fn = `eg_einsum${node.inputs.length}_${DTYPES[dtype].suffix}`;
    ctx.define(fn, einsumCode(fn, dtype, node.inputs.length));
    const dims = [...p.outDims, ...p.sumDims];
    const args = [...node.inputs.map((n) => ctx.ptr(n)), ctx.ptr(node.outputs[0]!)];
    // A summed last dimension becomes the kernel's tight inner loop.
    const inner = p.sumDims.length > 0 ? p.sumDims[p.sumDims.length - 1]! : 1;
    const walk = p.sumDims.length > 0 ? dims.length - 1 : dims.length;
    ctx.line(`${fn}(${args.join(", ")}, ${nOut}, ${numel(p.sumDims)}, ${ctx.constArray("int32_t", dims)}, ${dims.length}, ${ctx.constArray("int32_t", p.strides.flat())}, ${inner}, ${walk});`);
  },
  macs: (node, inputs) => {
    const p = checkedPlan(node, inputs);
    return numel(p.outDims) * numel(p.sumDims) * Math.max(1, inputs.length - 1);
  },
};

registerOps([Einsum]);
