import type { WindowWalk } from "../../src/schedule/overwrite-lag.js";

/**
 * The memory accesses of runtime-c's integer kernels in program order, element by element, as
 * their loops make them (qconv_i8.c, qpool_i8.c, qbinary_i8.c). Written from the C loops, not
 * from the lag formulas, so tests can check the formulas and the plans against them.
 */
export interface Access {
  readonly write: boolean;
  /** Which operand: the input index for reads (0 for window kernels), 0 for the output. */
  readonly operand: number;
  readonly element: number;
}

export type WindowKind = "conv" | "depthwise" | "pool";

/** Pixel-major NHWC window loop: per output element, its window's reads then its write. */
export function replayWindow(g: WindowWalk, kind: WindowKind): Access[] {
  const out: Access[] = [];
  let y = 0;
  for (let b = 0; b < g.n; b++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        const y0 = oy * g.sh - g.padTop;
        const x0 = ox * g.sw - g.padLeft;
        for (let oc = 0; oc < g.outChannels; oc++) {
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = y0 + ky * g.dh;
            if (iy < 0 || iy >= g.h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const ix = x0 + kx * g.dw;
              if (ix < 0 || ix >= g.w) continue;
              const base = ((b * g.h + iy) * g.w + ix) * g.c;
              if (kind === "conv") for (let ic = 0; ic < g.c; ic++) out.push({ write: false, operand: 0, element: base + ic });
              else out.push({ write: false, operand: 0, element: base + (kind === "depthwise" ? Math.floor(oc / (g.outChannels / g.c)) : oc) });
            }
          }
          out.push({ write: true, operand: 0, element: y++ });
        }
      }
  return out;
}

/** y[i] = f(a[i], b[i], ...) over `count` elements with `operands` same-shape inputs. */
export function replayElementwise(count: number, operands: number): Access[] {
  const out: Access[] = [];
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < operands; k++) out.push({ write: false, operand: k, element: i });
    out.push({ write: true, operand: 0, element: i });
  }
  return out;
}
