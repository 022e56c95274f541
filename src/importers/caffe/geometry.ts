import type { Params } from "./params.js";

/** Sliding-window geometry of a Convolution/Deconvolution/Pooling layer, per spatial axis. */
export interface WindowGeometry {
  readonly kernel: number[];
  readonly pad: number[];
  readonly stride: number[];
  readonly dilation: number[];
}

/**
 * One per-axis quantity in every Caffe spelling: the `<base>_h`/`<base>_w` pair (2-D only; an
 * unset one takes `dflt`) or the repeated `<base>` (`kernel_size` for the kernel) (absent: `dflt`; one value: every axis; else one
 * per axis). `required` quantities (the kernel) have no default.
 */
function perAxis(p: Params, base: string, rank: number, dflt: number | undefined, min: number): number[] {
  const name = base === "kernel" ? "kernel_size" : base;
  const h = `${base}_h`;
  const w = `${base}_w`;
  if (p.has(h) || p.has(w)) {
    if (rank !== 2) p.bad(h, `(and ${w}) apply to 2-D windows only; this input has ${rank} spatial axes, use ${name}`);
    if (p.has(name)) p.bad(name, `and ${h}/${w} are both given; give one spelling only`);
    if (dflt === undefined && !(p.has(h) && p.has(w))) p.bad(h, `and ${w} must be given together`);
    return [p.int(h, dflt ?? 0, min), p.int(w, dflt ?? 0, min)];
  }
  const list = p.ints(name, min);
  if (list.length === 0) {
    if (dflt === undefined) p.bad(name, `is missing: give ${name} or ${h} and ${w}`);
    return new Array<number>(rank).fill(dflt);
  }
  if (list.length === 1) return new Array<number>(rank).fill(list[0]!);
  if (list.length !== rank) p.bad(name, `has ${list.length} values; give one, or one per spatial axis (${rank})`);
  return list;
}

/** Convolution geometry (N-D, with dilation). */
export function convGeometry(p: Params, rank: number): WindowGeometry {
  return {
    kernel: perAxis(p, "kernel", rank, undefined, 1),
    pad: perAxis(p, "pad", rank, 0, 0),
    stride: perAxis(p, "stride", rank, 1, 1),
    dilation: p.has("dilation") ? perAxis(p, "dilation", rank, 1, 1) : new Array<number>(rank).fill(1),
  };
}

/** Pooling geometry (2-D); the kernel is given unless global pooling derives it from the input. */
export function poolGeometry(p: Params, rank: number, globalKernel?: readonly number[]): WindowGeometry {
  return {
    kernel: globalKernel ? [...globalKernel] : perAxis(p, "kernel", rank, undefined, 1),
    pad: perAxis(p, "pad", rank, 0, 0),
    stride: perAxis(p, "stride", rank, 1, 1),
    dilation: new Array<number>(rank).fill(1),
  };
}
