import { fail } from "../../errors.js";
import type { DType } from "../../ir/dtype.js";
import type { Tensor } from "../../ir/tensor.js";
import { has, int64ToNumber } from "../protobuf.js";
import type { AttrValueMsg, NodeDefMsg } from "./messages.js";
import { dimsFromTf, dtypeFromTf, tensorFromTf } from "./tensor.js";

const utf8 = new TextDecoder("utf-8");

/**
 * Typed readers for a NodeDef's attributes. Every reader names the node, its op and the attribute
 * in its error; a missing attribute without a default is an error, because frozen graphs carry
 * every attribute their op defines.
 */
export class TfAttrs {
  constructor(
    private readonly node: NodeDefMsg,
    readonly label: string,
  ) {}

  private get(name: string): AttrValueMsg | undefined {
    return Object.prototype.hasOwnProperty.call(this.node.attr, name) ? this.node.attr[name] : undefined;
  }

  private missing(name: string): never {
    return fail("bad-attribute", this.label, `required attribute "${name}" is missing; the graph is not a complete frozen GraphDef`);
  }

  private wrong(name: string, want: string): never {
    return fail("bad-attribute", this.label, `attribute "${name}" must be ${want}`);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  int(name: string, dflt?: number): number {
    const v = this.get(name);
    if (!v) return dflt ?? this.missing(name);
    if (!has(v, "i")) return this.wrong(name, "an integer");
    const n = int64ToNumber(v.i!);
    if (!Number.isSafeInteger(n)) this.wrong(name, "an integer below 2^53");
    return n;
  }

  float(name: string, dflt?: number): number {
    const v = this.get(name);
    if (!v) return dflt ?? this.missing(name);
    if (!has(v, "f")) return this.wrong(name, "a float");
    return v.f!;
  }

  bool(name: string, dflt?: boolean): boolean {
    const v = this.get(name);
    if (!v) return dflt ?? this.missing(name);
    if (!has(v, "b")) return this.wrong(name, "a bool");
    return v.b!;
  }

  string(name: string, dflt?: string): string {
    const v = this.get(name);
    if (!v) return dflt ?? this.missing(name);
    if (!has(v, "s")) return this.wrong(name, "a string");
    return utf8.decode(v.s!);
  }

  /** A list(int) attribute; an empty list reads as []. */
  ints(name: string, dflt?: readonly number[]): number[] {
    const v = this.get(name);
    if (!v) return dflt ? [...dflt] : this.missing(name);
    if (!has(v, "list")) return this.wrong(name, "a list of integers");
    return v.list!.i.map((x) => {
      const n = int64ToNumber(x);
      if (!Number.isSafeInteger(n)) this.wrong(name, "a list of integers below 2^53");
      return n;
    });
  }

  dtype(name: string, dflt?: DType): DType {
    const v = this.get(name);
    if (!v) return dflt ?? this.missing(name);
    if (!has(v, "type")) return this.wrong(name, "a data type");
    return dtypeFromTf(v.type, `${this.label} attribute "${name}"`);
  }

  tensor(name: string): Tensor {
    const v = this.get(name);
    if (!v) return this.missing(name);
    if (!has(v, "tensor")) return this.wrong(name, "a tensor");
    return tensorFromTf(v.tensor!, `${this.label} attribute "${name}"`);
  }

  /** A shape attribute: dims with undefined for -1, or undefined when the rank is unknown or absent. */
  shape(name: string): (number | undefined)[] | undefined {
    const v = this.get(name);
    if (!v) return undefined;
    if (!has(v, "shape")) return this.wrong(name, "a shape");
    return dimsFromTf(v.shape, `${this.label} attribute "${name}"`);
  }

  /** The first entry of a list(shape) attribute such as `_output_shapes`, if present. */
  firstListShape(name: string): (number | undefined)[] | undefined {
    const v = this.get(name);
    const first = v && has(v, "list") ? v.list!.shape[0] : undefined;
    return first ? dimsFromTf(first, `${this.label} attribute "${name}"`) : undefined;
  }
}
