import { fail } from "../../errors.js";
import type { ParamMsg } from "./messages.js";

/**
 * Typed, validated reads of a layer's `*_param` message with Caffe's proto2 defaults applied by
 * the caller. The message may be absent (every field then takes its default). Values are range
 * checked here because the schema reads 64-bit fields as 32-bit (see schema.ts) and crafted files
 * can hold anything.
 */
export class Params {
  constructor(
    private readonly msg: ParamMsg | undefined,
    /** The layer, for error messages: `layer "conv1" (Convolution)`. */
    readonly subject: string,
    /** The parameter message's field name, e.g. `convolution_param`. */
    readonly name: string,
  ) {}

  has(field: string): boolean {
    const v = this.msg?.[field];
    return v !== undefined && !(Array.isArray(v) && v.length === 0);
  }

  private raw(field: string): unknown {
    return this.msg?.[field];
  }

  bad(field: string, message: string): never {
    return fail("bad-attribute", this.subject, `${this.name}.${field} ${message}`);
  }

  /** An integer field (or an enum); `min` guards sizes and counts. */
  int(field: string, dflt: number, min = -(2 ** 31)): number {
    const v = this.raw(field);
    const n = typeof v === "number" ? v : dflt;
    if (!Number.isInteger(n) || n < min) this.bad(field, v === undefined ? `is missing (an integer >= ${min} is required)` : `is ${String(v)}, expected an integer >= ${min}`);
    return n;
  }

  float(field: string, dflt: number): number {
    const v = this.raw(field);
    const n = typeof v === "number" ? v : dflt;
    if (!Number.isFinite(n)) this.bad(field, `is ${n}, expected a finite number`);
    return n;
  }

  bool(field: string, dflt: boolean): boolean {
    const v = this.raw(field);
    return typeof v === "boolean" ? v : dflt;
  }

  ints(field: string, min = -(2 ** 31)): number[] {
    const v = this.raw(field);
    const list = Array.isArray(v) ? (v as unknown[]) : [];
    list.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < min) this.bad(`${field}[${i}]`, `is ${String(x)}, expected an integer >= ${min}`);
    });
    return list as number[];
  }

  floats(field: string): number[] {
    const v = this.raw(field);
    const list = Array.isArray(v) ? (v as unknown[]) : [];
    list.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x)) this.bad(`${field}[${i}]`, `is ${String(x)}, expected a finite number`);
    });
    return list as number[];
  }

  /** A repeated nested message (e.g. input_param.shape). */
  messages(field: string): ParamMsg[] {
    const v = this.raw(field);
    return Array.isArray(v) ? (v as unknown[]).filter((x): x is ParamMsg => x !== null && typeof x === "object") : [];
  }

  /** A nested message (e.g. reshape_param.shape). */
  message(field: string): ParamMsg | undefined {
    const v = this.raw(field);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as ParamMsg) : undefined;
  }
}
