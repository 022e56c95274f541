import { DTYPES, isFloat, type DType } from "../../dtype.js";
import { broadcastStrides, numel, sameShape, type Shape } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { domainOf, type ScalarKernel } from "./kernel.js";

/**
 * Reference evaluation of an elementwise kernel with multidirectional broadcasting. `shapes` are
 * the inputs' shapes as broadcasting sees them (they differ from the tensors' own shapes only for
 * the legacy `axis` broadcasting of opset < 7, which pads with trailing 1s).
 */
export function evaluateElementwise(
  kernel: ScalarKernel,
  inputs: readonly Tensor[],
  shapes: readonly Shape[],
  outDtype: DType,
  outShape: Shape,
): Tensor {
  const offsets = inputOffsets(shapes, outShape);
  const n = numel(outShape);
  if (domainOf(inputs.map((t) => t.dtype)) === "real") {
    const values = inputs.map((t) => t.toNumbers());
    const xs = new Array<number>(inputs.length).fill(0);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < xs.length; k++) xs[k] = values[k]![offsets[k]![i]!]!;
      out[i] = kernel.real(xs);
    }
    return storeReal(outDtype, outShape, out);
  }
  const integer = kernel.integer;
  if (!integer) throw new Error(`internal: kernel ${kernel.id} has no integer form`);
  const values = inputs.map(toBigInts);
  const xs = new Array<bigint>(inputs.length).fill(0n);
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) xs[k] = values[k]![offsets[k]![i]!]!;
    out[i] = integer(xs);
  }
  return storeInteger(outDtype, outShape, out);
}

/** For each input, the flat element read for each output element. */
function inputOffsets(shapes: readonly Shape[], outShape: Shape): Int32Array[] {
  const n = numel(outShape);
  const rank = outShape.length;
  return shapes.map((shape) => {
    const offs = new Int32Array(n);
    if (sameShape(shape, outShape)) {
      for (let i = 0; i < n; i++) offs[i] = i;
      return offs;
    }
    const strides = broadcastStrides(shape, outShape);
    const idx = new Array<number>(rank).fill(0);
    let off = 0;
    for (let i = 0; i < n; i++) {
      offs[i] = off;
      for (let d = rank - 1; d >= 0; d--) {
        off += strides[d]!;
        if (++idx[d]! < outShape[d]!) break;
        off -= strides[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
    return offs;
  });
}

function toBigInts(t: Tensor): bigint[] {
  const d = t.data;
  const out = new Array<bigint>(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    out[i] = typeof v === "bigint" ? v : BigInt(v);
  }
  return out;
}

/**
 * Stores doubles: floats round to their precision, bool is `v != 0`, integers truncate toward zero
 * and saturate to the type's range with NaN -> 0 (the C side does the same, since an out-of-range
 * float -> int conversion is undefined behaviour in C).
 */
export function storeReal(dtype: DType, shape: Shape, values: Float64Array): Tensor {
  if (isFloat(dtype) || dtype === "bool") return Tensor.fromNumbers(dtype, shape, values);
  const info = DTYPES[dtype];
  if (info.bits < 8) {
    // Sub-byte integers: truncate and saturate to int32, then wrap to the width (ONNX's Cast).
    const i32 = storeReal("int32", shape, values).data;
    return Tensor.fromNumbers(dtype, shape, i32 as Int32Array);
  }
  const t = new Tensor(dtype, shape);
  if (info.isBig) {
    const big = t.data as BigInt64Array | BigUint64Array;
    const lo = dtype === "int64" ? -(2n ** 63n) : 0n;
    const hi = dtype === "int64" ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) big[i] = 0n;
      else if (v === Infinity) big[i] = hi;
      else if (v === -Infinity) big[i] = lo;
      else {
        const b = BigInt(Math.trunc(v));
        big[i] = b < lo ? lo : b > hi ? hi : b;
      }
    }
  } else {
    const d = t.data as Exclude<typeof t.data, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      d[i] = Number.isNaN(v) ? 0 : Math.trunc(Math.min(info.max, Math.max(info.min, v)));
    }
  }
  return t;
}

/** Stores exact integers: integer types wrap modulo 2^bits, floats round, bool is `v != 0`. */
export function storeInteger(dtype: DType, shape: Shape, values: readonly bigint[]): Tensor {
  if (dtype === "bool" || isFloat(dtype)) {
    return Tensor.fromNumbers(dtype, shape, values.map((v) => (dtype === "bool" ? (v !== 0n ? 1 : 0) : Number(v))));
  }
  const info = DTYPES[dtype];
  const bits = info.bits;
  const signed = info.min < 0;
  const t = new Tensor(dtype, shape);
  if (info.isBig) {
    const big = t.data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < values.length; i++) big[i] = signed ? BigInt.asIntN(64, values[i]!) : BigInt.asUintN(64, values[i]!);
  } else {
    const d = t.data as Exclude<typeof t.data, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < values.length; i++) {
      d[i] = Number(signed ? BigInt.asIntN(bits, values[i]!) : BigInt.asUintN(bits, values[i]!));
    }
  }
  return t;
}
