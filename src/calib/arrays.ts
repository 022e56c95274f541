import { fail } from "../errors.js";
import type { DType } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor.js";

/** A model input as calibration sees it: name, element type, static shape. */
export interface CalibInput {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const show = (s: readonly number[]): string => `[${s.join(",")}]`;

/**
 * Splits an array read from a file into samples of `input`. Accepted shapes, first match wins:
 * - exactly the input's shape: one sample;
 * - the input's shape without its leading 1 (e.g. [3,32,32] for [1,3,32,32]): one sample;
 * - [N, ...input shape without its leading 1] (a batch along the batch axis): N samples;
 * - [N, ...input shape]: N samples.
 * float64/float16 arrays feeding a float32 input are converted (numpy's default float is float64);
 * any other dtype mismatch is an error, as silently reinterpreting integers would skew calibration.
 */
export function samplesFromArray(array: Tensor, input: CalibInput, subject: string): Tensor[] {
  const data = convertDtype(array, input, subject);
  const want = input.shape;
  const unbatched = want[0] === 1 ? want.slice(1) : undefined;
  if (same(data.shape, want)) return [data];
  if (unbatched && same(data.shape, unbatched)) return [data.reshape(want)];
  const batch = data.shape[0] ?? 0;
  const rest = data.shape.slice(1);
  if (data.shape.length > 0 && ((unbatched && same(rest, unbatched)) || same(rest, want))) {
    const per = data.size / Math.max(batch, 1);
    const out: Tensor[] = [];
    for (let i = 0; i < batch; i++) out.push(new Tensor(data.dtype, want, data.data.slice(i * per, (i + 1) * per)));
    return out;
  }
  const batchForm = unbatched ? `[N,${unbatched.join(",")}]` : `[N,${want.join(",")}]`;
  return fail("bad-shape", subject, `has shape ${show(array.shape)}, but input "${input.name}" is ${input.dtype}${show(want)}; save one sample as ${show(want)} or a batch as ${batchForm}`);
}

function convertDtype(array: Tensor, input: CalibInput, subject: string): Tensor {
  if (array.dtype === input.dtype) return array;
  if (input.dtype === "float32" && (array.dtype === "float64" || array.dtype === "float16")) {
    return Tensor.fromNumbers("float32", array.shape, array.toNumbers());
  }
  return fail("unsupported-dtype", subject, `holds ${array.dtype}, but input "${input.name}" is ${input.dtype}; convert it (e.g. x.astype(numpy.${input.dtype})) and save it again`);
}
