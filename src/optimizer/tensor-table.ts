import { createHash } from "node:crypto";
import type { Tensor } from "../ir/tensor.js";
import { computeRange, type ValueRange } from "../rules/facts.js";

/**
 * Content-addressed constants: a `Const` e-node carries only a digest, so identical weights
 * hash-cons to one class and attribute strings stay short. The table maps digests back to
 * tensors and remembers the first graph name each constant had (kept in the emitted C).
 */
export class TensorTable {
  private readonly tensors = new Map<string, Tensor>();
  private readonly names = new Map<string, string>();
  private readonly ranges = new Map<string, ValueRange | undefined>();

  /** Registers a tensor and returns its digest (sha1 of dtype, shape and bytes). */
  intern(tensor: Tensor, name?: string): string {
    const hash = createHash("sha1");
    hash.update(`${tensor.dtype}[${tensor.shape.join(",")}]`);
    hash.update(tensor.bytes());
    const digest = hash.digest("hex").slice(0, 24);
    if (!this.tensors.has(digest)) this.tensors.set(digest, tensor);
    if (name !== undefined && !this.names.has(digest)) this.names.set(digest, name);
    return digest;
  }

  get(digest: string): Tensor {
    const tensor = this.tensors.get(digest);
    if (tensor === undefined) throw new Error(`internal: no constant with digest ${digest}`);
    return tensor;
  }

  /** The graph name the constant was imported under, if any. */
  nameOf(digest: string): string | undefined {
    return this.names.get(digest);
  }

  /** Min and max of the elements (undefined when some element is NaN or the tensor is empty). */
  rangeOf(digest: string): ValueRange | undefined {
    if (!this.ranges.has(digest)) this.ranges.set(digest, computeRange(this.get(digest)));
    return this.ranges.get(digest);
  }
}
