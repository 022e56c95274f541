import { fail } from "../../errors.js";
import { Tensor } from "../../ir/tensor.js";
import type { BlobMsg, BlobShapeMsg } from "./messages.js";

/** Largest element count accepted for one blob (2^31 floats = 8 GiB is far beyond any MCU model). */
const MAX_ELEMENTS = 2 ** 31;

/** Dimensions of a BlobShape, checked to be non-negative. */
export function shapeDims(shape: BlobShapeMsg, subject: string, what: string): number[] {
  shape.dim.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) fail("parse", subject, `${what} has dimension ${i} = ${d}; dimensions must be non-negative integers`);
  });
  return [...shape.dim];
}

/** A blob's shape: `shape` when present, else the legacy num/channels/height/width (all 4, as Caffe does). */
function blobShape(blob: BlobMsg, subject: string, what: string): number[] {
  if (blob.shape) return shapeDims(blob.shape, subject, what);
  const legacy = [blob.num ?? 0, blob.channels ?? 0, blob.height ?? 0, blob.width ?? 0];
  legacy.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) fail("parse", subject, `${what} has legacy dimension ${["num", "channels", "height", "width"][i]} = ${d}`);
  });
  return legacy;
}

/**
 * A learned blob as a float32 tensor of its stored shape. Double-precision blobs (`double_data`,
 * written by Caffe built with Dtype=double) are rounded to float32, the precision Egret computes in.
 */
export function blobToTensor(blob: BlobMsg, subject: string, what: string): Tensor {
  const shape = blobShape(blob, subject, what);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS) fail("parse", subject, `${what} claims ${count} elements; the file is corrupt`);
  const values = blob.data.length > 0 ? blob.data : blob.double_data;
  if (values.length !== count) {
    const found = values.length === 0 ? "no values (a net definition without trained weights?)" : `${values.length} values`;
    fail("parse", subject, `${what} has shape [${shape.join(",")}] (${count} values) but holds ${found}; pair the prototxt with the .caffemodel it was trained into`);
  }
  return Tensor.fromNumbers("float32", shape, values);
}

/**
 * The blob reshaped to `want` (same element count): Caffe nets store e.g. an InnerProduct weight
 * as [N, K] or, in old files, as [1, 1, N, K], and a bias as [N] or [1, 1, 1, N].
 */
export function blobAs(blob: BlobMsg | undefined, want: readonly number[], subject: string, what: string): Tensor {
  if (!blob) return fail("missing-tensor", subject, `has no ${what} blob; the .caffemodel does not hold this layer's weights (is the layer name the same in the prototxt and the .caffemodel?)`);
  const t = blobToTensor(blob, subject, what);
  const count = want.reduce((a, b) => a * b, 1);
  if (t.size !== count) fail("bad-shape", subject, `${what} blob has shape [${t.shape.join(",")}] (${t.size} values); the layer's parameters need [${want.join(",")}] (${count})`);
  return t.reshape(want);
}
