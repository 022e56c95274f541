import { DTYPES } from "../dtype.js";
import type { ValueInfo } from "../graph.js";
import type { InPlaceInput } from "../op.js";
import { elementwiseLag } from "../../schedule/overwrite-lag.js";

/**
 * `OpDef.inPlace` of elementwise kernels that compute y[i] from the inputs' element i, in order
 * (runtime-c/kernels/qbinary_i8.c, the flat and broadcast loops of elementwise/emit-c.ts): every
 * input laid out exactly like the output (no broadcast) may be overwritten.
 */
/** The inputs of an elementwise node laid out exactly like its output (no broadcast). */
export function sameShapeInPlace(inputs: readonly (ValueInfo | undefined)[], output: ValueInfo): InPlaceInput[] {
  const count = output.shape.reduce((a, b) => a * b, 1);
  const result: InPlaceInput[] = [];
  inputs.forEach((x, input) => {
    if (x === undefined || x.shape.length !== output.shape.length || x.shape.some((d, i) => d !== output.shape[i])) return;
    result.push({ input, lagBytes: elementwiseLag(count, DTYPES[x.dtype].bytes, DTYPES[output.dtype].bytes) });
  });
  return result;
}
