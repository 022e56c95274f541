#include "conv_nhwc_f32.h"

/* Window geometry of one call, unpacked from the parameter array. */
typedef struct {
  int32_t C, M, cg, mg;
  int32_t ID, IH, IW, KD, KH, KW, SD, SH, SW, DD, DH, DW, PD, PH, PW;
} eg_conv_nhwc_geom;

/*
 * One output pixel of a grouped (or plain, group 1) convolution: each output channel is a dot
 * product over the window taps and, innermost, the contiguous input channels of its group.
 */
static void dense_pixel(const eg_conv_nhwc_geom *g, const float *xn, const float *w, const float *bias, float *yp,
                        int32_t od, int32_t oh, int32_t ow) {
  const int32_t ksize = g->KD * g->KH * g->KW;
  int32_t m, c, kd, kh, kw;
  for (m = 0; m < g->M; m++) {
    const float *xg = xn + (size_t)(m / g->mg) * g->cg;
    const float *wm = w + (size_t)m * ksize * g->cg;
    float acc = bias != NULL ? bias[m] : 0.0f;
    for (kd = 0; kd < g->KD; kd++) {
      const int32_t id = od * g->SD - g->PD + kd * g->DD;
      if (id < 0 || id >= g->ID) continue;
      for (kh = 0; kh < g->KH; kh++) {
        const int32_t ih = oh * g->SH - g->PH + kh * g->DH;
        if (ih < 0 || ih >= g->IH) continue;
        for (kw = 0; kw < g->KW; kw++) {
          const int32_t iw = ow * g->SW - g->PW + kw * g->DW;
          const float *xt;
          const float *wt;
          if (iw < 0 || iw >= g->IW) continue;
          xt = xg + (((size_t)id * g->IH + ih) * g->IW + iw) * g->C;
          wt = wm + ((size_t)(kd * g->KH + kh) * g->KW + kw) * g->cg;
          for (c = 0; c < g->cg; c++) acc += wt[c] * xt[c];
        }
      }
    }
    yp[m] = acc;
  }
}

/*
 * One output pixel of a depthwise convolution (one input channel per group): a channel-wise loop
 * per tap, walking x and y contiguously; output channel m reads input channel m / (M / group).
 */
static void depthwise_pixel(const eg_conv_nhwc_geom *g, const float *xn, const float *w, const float *bias, float *yp,
                            int32_t od, int32_t oh, int32_t ow) {
  const int32_t ksize = g->KD * g->KH * g->KW;
  int32_t m, kd, kh, kw;
  for (m = 0; m < g->M; m++) yp[m] = bias != NULL ? bias[m] : 0.0f;
  for (kd = 0; kd < g->KD; kd++) {
    const int32_t id = od * g->SD - g->PD + kd * g->DD;
    if (id < 0 || id >= g->ID) continue;
    for (kh = 0; kh < g->KH; kh++) {
      const int32_t ih = oh * g->SH - g->PH + kh * g->DH;
      if (ih < 0 || ih >= g->IH) continue;
      for (kw = 0; kw < g->KW; kw++) {
        const int32_t iw = ow * g->SW - g->PW + kw * g->DW;
        const float *xt;
        const float *wt = w + (kd * g->KH + kh) * g->KW + kw;
        if (iw < 0 || iw >= g->IW) continue;
        xt = xn + (((size_t)id * g->IH + ih) * g->IW + iw) * g->C;
        if (g->mg == 1) {
          for (m = 0; m < g->M; m++) yp[m] += wt[(size_t)m * ksize] * xt[m];
        } else {
          for (m = 0; m < g->M; m++) yp[m] += wt[(size_t)m * ksize] * xt[m / g->mg];
        }
      }
    }
  }
}

void eg_conv_nhwc_f32(const float *x, const float *w, const float *bias, float *y, const int32_t *p) {
  eg_conv_nhwc_geom g;
  const int32_t N = p[0], G = p[3], OD = p[7], OH = p[8], OW = p[9];
  int32_t n, od, oh, ow;
  size_t in_image;
  g.C = p[1];
  g.M = p[2];
  g.cg = g.C / G;
  g.mg = g.M / G;
  g.ID = p[4]; g.IH = p[5]; g.IW = p[6];
  g.KD = p[10]; g.KH = p[11]; g.KW = p[12];
  g.SD = p[13]; g.SH = p[14]; g.SW = p[15];
  g.DD = p[16]; g.DH = p[17]; g.DW = p[18];
  g.PD = p[19]; g.PH = p[20]; g.PW = p[21];
  in_image = (size_t)g.ID * g.IH * g.IW * g.C;
  for (n = 0; n < N; n++) {
    const float *xn = x + (size_t)n * in_image;
    for (od = 0; od < OD; od++) {
      for (oh = 0; oh < OH; oh++) {
        for (ow = 0; ow < OW; ow++) {
          float *yp = y + ((((size_t)n * OD + od) * OH + oh) * OW + ow) * g.M;
          if (g.cg == 1) depthwise_pixel(&g, xn, w, bias, yp, od, oh, ow);
          else dense_pixel(&g, xn, w, bias, yp, od, oh, ow);
        }
      }
    }
  }
}
