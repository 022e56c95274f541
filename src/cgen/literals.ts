import type { DType } from "../ir/dtype.js";
import type { Tensor } from "../ir/tensor.js";

/**
 * C literals that reproduce values exactly: float32 with 9 significant digits (round-trips),
 * float64 with 17, integers in decimal, 64-bit ones through the <stdint.h> macros.
 */
export function cLiteral(dtype: DType, v: number | bigint): string {
  switch (dtype) {
    case "float32":
    case "float64": {
      const n = Number(v);
      if (Number.isNaN(n)) return "NAN";
      if (!Number.isFinite(n)) return n > 0 ? "INFINITY" : "-INFINITY";
      const text = n.toPrecision(dtype === "float32" ? 9 : 17);
      const num = /[.eE]/.test(text) ? text : `${text}.0`;
      return dtype === "float32" ? `${num}f` : num;
    }
    case "int64":
      // INT64_MIN has no literal form: write it as an expression.
      return BigInt(v) === -(2n ** 63n) ? "(-INT64_C(9223372036854775807) - 1)" : `INT64_C(${v})`;
    case "uint64":
      return `UINT64_C(${v})`;
    case "int32":
      return Number(v) === -2147483648 ? "(-2147483647 - 1)" : String(v);
    case "uint32":
      return `${v}u`;
    default:
      return String(v);
  }
}

/** The initializer body of a constant array, 8 values a line (deterministic). */
export function cInitializer(t: Tensor, perLine = 8): string {
  const values: string[] = [];
  for (let i = 0; i < t.data.length; i++) values.push(cLiteral(t.dtype, t.data[i]!));
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) lines.push("  " + values.slice(i, i + perLine).join(", ") + ",");
  return lines.join("\n");
}
