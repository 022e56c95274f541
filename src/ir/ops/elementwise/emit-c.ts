import type { EmitCtx } from "../../emit-ctx.js";
import { cLiteral } from "../../../cgen/literals.js";
import { fail } from "../../../errors.js";
import { DTYPES, isEncodedFloat, isFloat, isSubByte, type DType } from "../../dtype.js";
import { nodeLabel, type Node } from "../../graph.js";
import { broadcastStrides, numel, type Shape } from "../../shape.js";
import { cHelper, computeSuffix } from "./c-helpers.js";
import { domainOf, type CScalarCtx, type Domain, type ScalarKernel } from "./kernel.js";

/** Mirrors EG_MAX_RANK in runtime-c/egret.h: the broadcast loop's index array size. */
const MAX_RANK = 8;

/**
 * Emits one elementwise node: a `static` function per (kernel, input dtypes, output dtype,
 * layout) via ctx.define, then one call. Layout "flat" (every input has the output's elements in
 * order) is a plain loop; otherwise a broadcast loop walks the collapsed output shape with an
 * odometer over the outer dims and a strided inner loop, reading shape and per-input strides from
 * `static const int32_t` arrays.
 */
export function emitElementwise(
  node: Node,
  ctx: EmitCtx,
  kernel: ScalarKernel,
  inputNames: readonly string[],
  shapes: readonly Shape[],
): void {
  const outName = node.outputs[0]!;
  const out = ctx.info(outName);
  const inDtypes = inputNames.map((n) => ctx.info(n).dtype);
  if (numel(out.shape) === 0) {
    ctx.line("/* empty output: nothing to compute */");
    return;
  }
  const cx = scalarCtx(ctx, inDtypes, out.dtype);
  const locals = inDtypes.map((_, k) => `v${k}`);
  const value = storeExpr(cx, domainOf(inDtypes), kernel.c(cx, locals));
  const layout = collapse(out.shape, shapes.map((s) => broadcastStrides(s, out.shape)));
  const flat = layout.shape.length === 1 && layout.strides.every((s) => s[0] === 1 || layout.shape[0] === 1);
  const fname = `eg_${kernel.id}_${[...inDtypes, out.dtype].map((d) => DTYPES[d].suffix).join("_")}${flat ? "" : "_bc"}`;
  const params = [...inDtypes.map((d, k) => `const ${DTYPES[d].ctype} *x${k}`), `${DTYPES[out.dtype].ctype} *y`];
  const args = [...inputNames.map((n) => ctx.ptr(n)), ctx.ptr(outName)];
  const loads = (index: (k: number) => string) =>
    inDtypes.map((d, k) => `const ${cx.computeType(k)} v${k} = ${loadExpr(cx, d, `x${k}[${index(k)}]`)};`);

  if (flat) {
    ctx.define(fname, flatKernel(fname, params, loads(() => "i"), value));
    ctx.line(`${fname}(${args.join(", ")}, ${numel(out.shape)});`);
    return;
  }
  const rank = layout.shape.length;
  if (rank > MAX_RANK) {
    fail("bad-shape", nodeLabel(node), `broadcasting needs ${rank} dimensions after merging, the C kernels support ${MAX_RANK}`);
  }
  ctx.define(fname, broadcastKernel(fname, params, inDtypes.length, loads((k) => `o${k} + j * s${k}`), value));
  const shape = ctx.constArray("int32_t", layout.shape);
  const strides = ctx.constArray("int32_t", layout.strides.flat());
  ctx.line(`${fname}(${args.join(", ")}, ${shape}, ${strides}, ${rank});`);
}

function scalarCtx(ctx: EmitCtx, inputs: readonly DType[], output: DType): CScalarCtx {
  const computeType = (k: number) => computeTypeOf(inputs[k]!);
  const isDouble = (k: number) => inputs[k] === "float64";
  return {
    inputs,
    output,
    computeType,
    isDouble,
    math: (name, k = 0) => (isDouble(k) ? name : `${name}f`),
    lit: (value, k = 0) => {
      const d = inputs[k]!;
      if (isEncodedFloat(d)) return cLiteral("float32", value);
      return cLiteral(d, DTYPES[d].isBig ? BigInt(Math.trunc(value)) : value);
    },
    wrapType: (k) => (DTYPES[inputs[k]!].bytes === 8 ? "uint64_t" : "uint32_t"),
    helper: (name) => cHelper(ctx, name),
  };
}

function computeTypeOf(dtype: DType): string {
  return isEncodedFloat(dtype) ? "float" : DTYPES[dtype].ctype;
}

function loadExpr(cx: CScalarCtx, dtype: DType, element: string): string {
  return isEncodedFloat(dtype) ? `${cx.helper(`${DTYPES[dtype].suffix}_to_f32`)}(${element})` : element;
}

/** Converts the kernel's value to the output type with the rules of `storeReal`/`storeInteger`. */
function storeExpr(cx: CScalarCtx, domain: Domain, expr: string): string {
  const out = cx.output;
  if (out === "bool") return `(uint8_t)((${expr}) != 0)`;
  if (isEncodedFloat(out)) return `${cx.helper(`f32_to_${DTYPES[out].suffix}`)}((float)(${expr}))`;
  if (isFloat(out)) return `(${DTYPES[out].ctype})(${expr})`;
  // Sub-byte integers wrap to their width, from reals after truncation to int32 (ONNX's casts).
  if (isSubByte(out)) {
    const wrap = cx.helper(`wrap_${DTYPES[out].suffix}`);
    return domain === "real" ? `${wrap}((uint64_t)(int64_t)${cx.helper("sat_i32")}((double)(${expr})))` : `${wrap}((uint64_t)(${expr}))`;
  }
  if (domain === "real") return `${cx.helper(`sat_${computeSuffix(out)}`)}((double)(${expr}))`;
  return `(${DTYPES[out].ctype})(${expr})`;
}

function flatKernel(name: string, params: readonly string[], loads: readonly string[], value: string): string {
  return [
    `static void ${name}(${params.join(", ")}, int32_t n) {`,
    "  int32_t i;",
    "  for (i = 0; i < n; i++) {",
    ...loads.map((l) => `    ${l}`),
    `    y[i] = ${value};`,
    "  }",
    "}",
  ].join("\n");
}

/**
 * The broadcast loop. `strides` holds rank entries per input (input k at k * rank); the innermost
 * dimension is a strided loop, the outer ones advance each input's offset like an odometer.
 */
function broadcastKernel(name: string, params: readonly string[], nIn: number, loads: readonly string[], value: string): string {
  const ks = Array.from({ length: nIn }, (_, k) => k);
  return [
    `static void ${name}(${params.join(", ")}, const int32_t *shape, const int32_t *strides, int32_t rank) {`,
    "  int32_t idx[EG_MAX_RANK] = { 0 };",
    `  int32_t ${ks.map((k) => `o${k} = 0`).join(", ")};`,
    ...ks.map((k) => `  const int32_t s${k} = strides[${k} * rank + rank - 1];`),
    "  const int32_t inner = shape[rank - 1];",
    "  int32_t outer = 1, d, i, j;",
    "  for (d = 0; d < rank - 1; d++) outer *= shape[d];",
    "  for (i = 0; i < outer; i++) {",
    "    for (j = 0; j < inner; j++) {",
    ...loads.map((l) => `      ${l}`),
    `      *y++ = ${value};`,
    "    }",
    "    for (d = rank - 2; d >= 0; d--) {",
    ...ks.map((k) => `      o${k} += strides[${k} * rank + d];`),
    "      if (++idx[d] < shape[d]) break;",
    ...ks.map((k) => `      o${k} -= strides[${k} * rank + d] * shape[d];`),
    "      idx[d] = 0;",
    "    }",
    "  }",
    "}",
  ].join("\n");
}

/**
 * Drops size-1 output dims and merges neighbours that every input walks contiguously (or not at
 * all), so [N,C,H,W] + [1,C,1,1] becomes [N,C,H*W] and the inner loop runs over H*W.
 * Never returns rank 0: a single element is shape [1].
 */
function collapse(outShape: Shape, strides: readonly number[][]): { shape: number[]; strides: number[][] } {
  const shape: number[] = [];
  const merged: number[][] = strides.map(() => []);
  outShape.forEach((size, d) => {
    if (size === 1) return;
    const last = shape.length - 1;
    if (last >= 0 && strides.every((s, k) => merged[k]![last] === s[d]! * size)) {
      shape[last] = shape[last]! * size;
      strides.forEach((s, k) => (merged[k]![last] = s[d]!));
    } else {
      shape.push(size);
      strides.forEach((s, k) => merged[k]!.push(s[d]!));
    }
  });
  if (shape.length === 0) return { shape: [1], strides: strides.map(() => [1]) };
  return { shape, strides: merged };
}
