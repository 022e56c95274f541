import { DTYPES, isFloat, type DType } from "../dtype.js";
import type { Layout } from "./window.js";

/**
 * MaxPool for element types other than float32 (float64 and the integer types): a file-scope C
 * function specialised per type and layout through `ctx.define`. The NCHW one takes the same
 * parameter array as eg_pool_f32, the NHWC one the same as eg_pool_nhwc_f32
 * (runtime-c/kernels/pool_f32.h); both only implement the max mode.
 */
export const GENERIC_MAXPOOL_DTYPES: readonly DType[] = ["float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

export function genericMaxPoolName(dtype: DType, layout: Layout = "NCHW"): string {
  return `eg_maxpool${layout === "NHWC" ? "_nhwc" : ""}_${DTYPES[dtype].suffix}`;
}

export function genericMaxPoolSource(dtype: DType, layout: Layout = "NCHW"): string {
  return layout === "NHWC" ? nhwcSource(dtype) : nchwSource(dtype);
}

/** Float types: a NaN tap makes the maximum NaN wherever it sits (as eg_pool_f32); integers have none. */
function nanWins(dtype: DType, v: string, best: string): string {
  return isFloat(dtype) ? ` || (${v} != ${v} && ${best} == ${best})` : "";
}

function nchwSource(dtype: DType): string {
  const t = DTYPES[dtype].ctype;
  return `static void ${genericMaxPoolName(dtype)}(const ${t} *x, ${t} *y, int64_t *indices, const int32_t *p) {
  const int32_t planes = p[0], column_major = p[2];
  const int32_t ID = p[3], IH = p[4], IW = p[5], OD = p[6], OH = p[7], OW = p[8];
  const int32_t KD = p[9], KH = p[10], KW = p[11], SD = p[12], SH = p[13], SW = p[14];
  const int32_t DD = p[15], DH = p[16], DW = p[17], PD = p[18], PH = p[19], PW = p[20];
  const size_t in_plane = (size_t)ID * IH * IW;
  int32_t c, od, oh, ow, kd, kh, kw;
  for (c = 0; c < planes; c++) {
    const ${t} *xp = x + (size_t)c * in_plane;
    for (od = 0; od < OD; od++) for (oh = 0; oh < OH; oh++) for (ow = 0; ow < OW; ow++) {
      ${t} best = 0;
      int64_t best_at = -1;
      const size_t o = (((size_t)c * OD + od) * OH + oh) * OW + ow;
      for (kd = 0; kd < KD; kd++) for (kh = 0; kh < KH; kh++) for (kw = 0; kw < KW; kw++) {
        const int32_t id = od * SD - PD + kd * DD, ih = oh * SH - PH + kh * DH, iw = ow * SW - PW + kw * DW;
        ${t} v;
        if (id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW) continue;
        v = xp[((size_t)id * IH + ih) * IW + iw];
        if (best_at < 0 || v > best${nanWins(dtype, "v", "best")}) {
          best = v;
          best_at = column_major ? ((int64_t)iw * IH + ih) * ID + id : ((int64_t)id * IH + ih) * IW + iw;
        }
      }
      y[o] = best;
      if (indices != NULL) indices[o] = (int64_t)c * (int64_t)in_plane + best_at;
    }
  }
}
`;
}

/** Channels innermost: each tap updates a whole pixel's channels (a window without taps gives 0, as NCHW). */
function nhwcSource(dtype: DType): string {
  const t = DTYPES[dtype].ctype;
  return `static void ${genericMaxPoolName(dtype, "NHWC")}(const ${t} *x, ${t} *y, const int32_t *p) {
  const int32_t N = p[0], C = p[1];
  const int32_t ID = p[3], IH = p[4], IW = p[5], OD = p[6], OH = p[7], OW = p[8];
  const int32_t KD = p[9], KH = p[10], KW = p[11], SD = p[12], SH = p[13], SW = p[14];
  const int32_t DD = p[15], DH = p[16], DW = p[17], PD = p[18], PH = p[19], PW = p[20];
  int32_t n, c, od, oh, ow, kd, kh, kw;
  for (n = 0; n < N; n++) for (od = 0; od < OD; od++) for (oh = 0; oh < OH; oh++) for (ow = 0; ow < OW; ow++) {
    ${t} *yp = y + ((((size_t)n * OD + od) * OH + oh) * OW + ow) * C;
    int32_t taps = 0;
    for (c = 0; c < C; c++) yp[c] = 0;
    for (kd = 0; kd < KD; kd++) for (kh = 0; kh < KH; kh++) for (kw = 0; kw < KW; kw++) {
      const int32_t id = od * SD - PD + kd * DD, ih = oh * SH - PH + kh * DH, iw = ow * SW - PW + kw * DW;
      const ${t} *xp;
      if (id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW) continue;
      xp = x + ((((size_t)n * ID + id) * IH + ih) * IW + iw) * C;
      if (taps++ == 0) {
        for (c = 0; c < C; c++) yp[c] = xp[c];
      } else {
        for (c = 0; c < C; c++) if (xp[c] > yp[c]${nanWins(dtype, "xp[c]", "yp[c]")}) yp[c] = xp[c];
      }
    }
  }
}
`;
}
