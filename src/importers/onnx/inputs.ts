import { fail } from "../../errors.js";
import type { BuildOptions, RawInput } from "../../ir/build.js";
import { has, int64ToNumber, type DimensionMsg, type ValueInfoMsg } from "./messages.js";
import { dtypeOrFail } from "./tensor-proto.js";

/** A dimension as RawInput wants it: a size, a symbolic name, or unknown. */
function convertDim(d: DimensionMsg): number | string | undefined {
  if (has(d, "dim_value") && d.dim_value !== undefined) return int64ToNumber(d.dim_value);
  if (has(d, "dim_param") && d.dim_param) return d.dim_param;
  return undefined;
}

/**
 * Converts a graph input's ValueInfoProto. Only tensor types are accepted. A missing shape means
 * even the rank is unknown: an --input-shape override then supplies the rank (the core checks
 * the override's rank against `dims`), otherwise the input cannot be compiled.
 */
export function convertInput(vi: ValueInfoMsg, options: BuildOptions): RawInput {
  const name = vi.name ?? "";
  const subject = `input "${name}"`;
  const tensorType = vi.type?.tensor_type;
  if (!tensorType) {
    const kind = vi.type?.sequence_type ? "a sequence" : vi.type?.map_type ? "a map" : vi.type?.optional_type ? "an optional" : vi.type?.sparse_tensor_type ? "a sparse tensor" : "not a tensor (or has no type)";
    fail("unsupported-dtype", subject, `is ${kind}; Egret compiles models whose inputs are dense tensors`);
  }
  const dtype = dtypeOrFail(tensorType.elem_type, subject);
  if (!tensorType.shape) {
    const forced = options.inputShapes?.get(name);
    if (forced) return { name, dtype, dims: forced.map(() => undefined) };
    fail("dynamic-shape", subject, `has no shape in the model (even its rank is unknown); give a static shape with --input-shape ${name}=<d0>x<d1>x...`);
  }
  return { name, dtype, dims: tensorType.shape.dim.map(convertDim) };
}
