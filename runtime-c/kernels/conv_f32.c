#include "conv_f32.h"

/* Smallest o >= 0 with o * stride + offset >= 0. */
static int32_t first_inside(int32_t offset, int32_t stride) {
  return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}

/* One past the largest o with o * stride + offset < size, clamped to [0, limit]. */
static int32_t end_inside(int32_t offset, int32_t stride, int32_t size, int32_t limit) {
  int32_t end;
  if (size - 1 - offset < 0) return 0;
  end = (size - 1 - offset) / stride + 1;
  return end < limit ? end : limit;
}

static void fill_bias(float *y, const float *bias, int32_t channel, int32_t plane) {
  int32_t i;
  const float b = bias != NULL ? bias[channel] : 0.0f;
  for (i = 0; i < plane; i++) y[i] = b;
}

/*
 * Weight-stationary direct convolution: for each weight tap, the valid output range along W is
 * computed once, so the innermost loop has no bounds checks and walks y contiguously.
 */
void eg_conv_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p) {
  const int32_t N = p[0], C = p[1], M = p[2], G = p[3];
  const int32_t ID = p[4], IH = p[5], IW = p[6], OD = p[7], OH = p[8], OW = p[9];
  const int32_t KD = p[10], KH = p[11], KW = p[12], SD = p[13], SH = p[14], SW = p[15];
  const int32_t DD = p[16], DH = p[17], DW = p[18], PD = p[19], PH = p[20], PW = p[21];
  const int32_t cg = C / G, mg = M / G;
  const size_t in_plane = (size_t)ID * IH * IW, out_plane = (size_t)OD * OH * OW;
  const int32_t ksize = KD * KH * KW;
  int32_t n, m, c, kd, kh, kw, od, oh, ow;
  for (n = 0; n < N; n++) {
    for (m = 0; m < M; m++) {
      float *yo = y + ((size_t)n * M + m) * out_plane;
      const int32_t g = m / mg;
      fill_bias(yo, bias, m, (int32_t)out_plane);
      for (c = 0; c < cg; c++) {
        const float *xi = x + ((size_t)n * C + (size_t)g * cg + c) * in_plane;
        const float *wk = w + ((size_t)m * cg + c) * ksize;
        for (kd = 0; kd < KD; kd++) {
          for (kh = 0; kh < KH; kh++) {
            for (kw = 0; kw < KW; kw++) {
              const float wv = wk[(kd * KH + kh) * KW + kw];
              const int32_t off_w = kw * DW - PW;
              const int32_t ow_lo = first_inside(off_w, SW);
              const int32_t ow_hi = end_inside(off_w, SW, IW, OW);
              for (od = 0; od < OD; od++) {
                const int32_t id = od * SD - PD + kd * DD;
                if (id < 0 || id >= ID) continue;
                for (oh = 0; oh < OH; oh++) {
                  const int32_t ih = oh * SH - PH + kh * DH;
                  const float *xrow;
                  float *yrow;
                  if (ih < 0 || ih >= IH) continue;
                  xrow = xi + ((size_t)id * IH + ih) * IW;
                  yrow = yo + ((size_t)od * OH + oh) * OW;
                  if (SW == 1) {
                    for (ow = ow_lo; ow < ow_hi; ow++) yrow[ow] += wv * xrow[ow + off_w];
                  } else {
                    for (ow = ow_lo; ow < ow_hi; ow++) yrow[ow] += wv * xrow[ow * SW + off_w];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/*
 * Scatter form: input element (id, ih, iw) through tap (kd, kh, kw) lands on output
 * (id*SD - PD + kd*DD, ...). The valid input range along W is computed once per tap.
 */
void eg_conv_transpose_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p) {
  const int32_t N = p[0], C = p[1], M = p[2], G = p[3];
  const int32_t ID = p[4], IH = p[5], IW = p[6], OD = p[7], OH = p[8], OW = p[9];
  const int32_t KD = p[10], KH = p[11], KW = p[12], SD = p[13], SH = p[14], SW = p[15];
  const int32_t DD = p[16], DH = p[17], DW = p[18], PD = p[19], PH = p[20], PW = p[21];
  const int32_t cg = C / G, mg = M / G;
  const size_t in_plane = (size_t)ID * IH * IW, out_plane = (size_t)OD * OH * OW;
  const int32_t ksize = KD * KH * KW;
  int32_t n, m, c, mi, kd, kh, kw, id, ih, iw;
  for (n = 0; n < N; n++) {
    for (m = 0; m < M; m++) fill_bias(y + ((size_t)n * M + m) * out_plane, bias, m, (int32_t)out_plane);
    for (c = 0; c < C; c++) {
      const int32_t g = c / cg;
      const float *xi = x + ((size_t)n * C + c) * in_plane;
      for (mi = 0; mi < mg; mi++) {
        const int32_t mo = g * mg + mi;
        float *yo = y + ((size_t)n * M + mo) * out_plane;
        const float *wk = w + ((size_t)c * mg + mi) * ksize;
        for (kd = 0; kd < KD; kd++) {
          for (kh = 0; kh < KH; kh++) {
            for (kw = 0; kw < KW; kw++) {
              const float wv = wk[(kd * KH + kh) * KW + kw];
              const int32_t off_w = kw * DW - PW;
              const int32_t iw_lo = first_inside(off_w, SW);
              const int32_t iw_hi = end_inside(off_w, SW, OW, IW);
              for (id = 0; id < ID; id++) {
                const int32_t od = id * SD - PD + kd * DD;
                if (od < 0 || od >= OD) continue;
                for (ih = 0; ih < IH; ih++) {
                  const int32_t oh = ih * SH - PH + kh * DH;
                  const float *xrow;
                  float *yrow;
                  if (oh < 0 || oh >= OH) continue;
                  xrow = xi + ((size_t)id * IH + ih) * IW;
                  yrow = yo + ((size_t)od * OH + oh) * OW;
                  for (iw = iw_lo; iw < iw_hi; iw++) yrow[iw * SW + off_w] += wv * xrow[iw];
                }
              }
            }
          }
        }
      }
    }
  }
}
