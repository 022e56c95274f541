import { DTYPES, type DType } from "../dtype.js";

/**
 * MaxPool for element types other than float32 (float64 and the integer types): a file-scope C
 * function specialised per type through `ctx.define`. It takes the same parameter array as
 * eg_pool_f32 (runtime-c/kernels/pool_f32.h) and only implements the max mode.
 */
export const GENERIC_MAXPOOL_DTYPES: readonly DType[] = ["float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"];

export function genericMaxPoolName(dtype: DType): string {
  return `eg_maxpool_${DTYPES[dtype].suffix}`;
}

export function genericMaxPoolSource(dtype: DType): string {
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
        if (best_at < 0 || v > best) {
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
