import { prod } from "./nn-common.js";
import type { Window3 } from "./window.js";

/**
 * Float64 reference loops of Conv and ConvTranspose over 3-D windows (see window.ts). They
 * follow the definitions tap by tap; the C kernels (conv_f32.c) reorder the loops for speed.
 */

/** Geometry of one Conv/ConvTranspose node. Channels count the whole tensor, not one group. */
export interface ConvPlan {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly group: number;
  readonly win: Window3;
  readonly outShape: number[];
}

/** Input index along one axis for output position o and kernel tap k, or -1 in the padding. */
function tapIndex(win: Window3, axis: number, o: number, k: number): number {
  const i = o * win.stride[axis]! - win.padBegin[axis]! + k * win.dilation[axis]!;
  return i >= 0 && i < win.input[axis]! ? i : -1;
}

export function convReference(p: ConvPlan, x: Float64Array, w: Float64Array, b: Float64Array | undefined): Float64Array {
  const { win } = p;
  const [OD, OH, OW] = win.output as [number, number, number];
  const [KD, KH, KW] = win.kernel as [number, number, number];
  const [, IH, IW] = win.input as [number, number, number];
  const inPlane = prod(win.input);
  const outPlane = OD * OH * OW;
  const cg = p.inChannels / p.group;
  const mg = p.outChannels / p.group;
  const y = new Float64Array(p.batch * p.outChannels * outPlane);
  for (let n = 0; n < p.batch; n++) {
    for (let m = 0; m < p.outChannels; m++) {
      const g = Math.floor(m / mg);
      for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        let acc = b ? b[m]! : 0;
        for (let c = 0; c < cg; c++) {
          const xBase = (n * p.inChannels + g * cg + c) * inPlane;
          const wBase = (m * cg + c) * KD * KH * KW;
          for (let kd = 0; kd < KD; kd++) {
            const id = tapIndex(win, 0, od, kd);
            if (id < 0) continue;
            for (let kh = 0; kh < KH; kh++) {
              const ih = tapIndex(win, 1, oh, kh);
              if (ih < 0) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = tapIndex(win, 2, ow, kw);
                if (iw < 0) continue;
                acc += x[xBase + (id * IH + ih) * IW + iw]! * w[wBase + (kd * KH + kh) * KW + kw]!;
              }
            }
          }
        }
        y[((n * p.outChannels + m) * OD + od) * OH * OW + oh * OW + ow] = acc;
      }
    }
  }
  return y;
}

/** Scatter form: every input element adds weight * x to the output positions its taps reach. */
export function convTransposeReference(p: ConvPlan, x: Float64Array, w: Float64Array, b: Float64Array | undefined): Float64Array {
  const { win } = p;
  const [ID, IH, IW] = win.input as [number, number, number];
  const [OD, OH, OW] = win.output as [number, number, number];
  const [KD, KH, KW] = win.kernel as [number, number, number];
  const outPlane = OD * OH * OW;
  const cg = p.inChannels / p.group;
  const mg = p.outChannels / p.group;
  const y = new Float64Array(p.batch * p.outChannels * outPlane);
  const outIndex = (axis: number, i: number, k: number, size: number): number => {
    const o = i * win.stride[axis]! - win.padBegin[axis]! + k * win.dilation[axis]!;
    return o >= 0 && o < size ? o : -1;
  };
  for (let n = 0; n < p.batch; n++) {
    for (let m = 0; m < p.outChannels; m++) y.fill(b ? b[m]! : 0, (n * p.outChannels + m) * outPlane, (n * p.outChannels + m + 1) * outPlane);
    for (let c = 0; c < p.inChannels; c++) {
      const g = Math.floor(c / cg);
      for (let mi = 0; mi < mg; mi++) {
        const m = g * mg + mi;
        const wBase = (c * mg + mi) * KD * KH * KW;
        const yBase = (n * p.outChannels + m) * outPlane;
        for (let id = 0; id < ID; id++) for (let ih = 0; ih < IH; ih++) for (let iw = 0; iw < IW; iw++) {
          const xv = x[((n * p.inChannels + c) * ID + id) * IH * IW + ih * IW + iw]!;
          for (let kd = 0; kd < KD; kd++) {
            const od = outIndex(0, id, kd, OD);
            if (od < 0) continue;
            for (let kh = 0; kh < KH; kh++) {
              const oh = outIndex(1, ih, kh, OH);
              if (oh < 0) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = outIndex(2, iw, kw, OW);
                if (ow < 0) continue;
                y[yBase + (od * OH + oh) * OW + ow]! += xv * w[wBase + (kd * KH + kh) * KW + kw]!;
              }
            }
          }
        }
      }
    }
  }
  return y;
}

