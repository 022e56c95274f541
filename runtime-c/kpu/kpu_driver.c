#include "kpu_driver.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

/* The KPU's 2 MiB SRAM (section 1.1): device memory, not part of the model's arena. */
static uint8_t eg_kpu_ram[KPU_SIM_RAM_BYTES];

static uint32_t reg_field(uint64_t word, unsigned lsb, unsigned width) {
  return (uint32_t)((word >> lsb) & (((uint64_t)1 << width) - 1u));
}

/* Dequantises the layer's output map (or its subsampled part, see kpu_driver.h) into y. */
static void download_f32(const uint64_t *regs, float *y, int32_t nhwc, float y_scale, int32_t y_zero_point,
                         const int32_t *subsample) {
  uint32_t oc = reg_field(regs[2], 32, 10) + 1u;
  uint32_t ow = reg_field(regs[3], 32, 10) + 1u, oh = reg_field(regs[3], 42, 9) + 1u;
  uint32_t dst = reg_field(regs[1], 32, 15);
  /* Without subsampling: every output, stride 1 from (0, 0). */
  uint32_t stride = subsample ? (uint32_t)subsample[0] : 1u;
  uint32_t oy0 = subsample ? (uint32_t)subsample[1] : 0u, ox0 = subsample ? (uint32_t)subsample[2] : 0u;
  uint32_t sh = subsample ? (uint32_t)subsample[3] : oh, sw = subsample ? (uint32_t)subsample[4] : ow;
  uint32_t c, yy, xx;
  size_t i = 0;
  for (c = 0; c < oc; c++)
    for (yy = 0; yy < sh; yy++) {
      const uint8_t *row = eg_kpu_ram + kpu_sim_row_offset(dst, ow, oh, c, oy0 + stride * yy);
      for (xx = 0; xx < sw; xx++, i++) {
        size_t at = nhwc ? ((size_t)yy * sw + xx) * oc + c : i;
        y[at] = (float)((int32_t)row[ox0 + stride * xx] - y_zero_point) * y_scale;
      }
    }
}

/*
 * Quantises straight into the KPU RAM layout and dequantises straight out of it (what the device's
 * CPU re-layout does, section 1.7), so the only scratch is the simulator's own.
 */
int eg_kpu_conv2d_f32(const kpu_sim_layer_t *layer, const float *x, float *y, int32_t nhwc,
                      float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                      const int32_t *subsample, uint8_t *scratch) {
  const uint64_t *regs = layer->regs;
  uint32_t ic = reg_field(regs[2], 0, 10) + 1u;
  uint32_t w = reg_field(regs[3], 0, 10) + 1u, h = reg_field(regs[3], 10, 9) + 1u;
  uint32_t src = reg_field(regs[1], 0, 15);
  uint32_t c, yy, xx;
  kpu_sim_status_t st;
  if (src + kpu_sim_map_lines(w, h, ic) > KPU_SIM_RAM_LINES) return (int)KPU_SIM_OUTSIDE_RAM;
  for (c = 0; c < ic; c++)
    for (yy = 0; yy < h; yy++) {
      uint8_t *row = eg_kpu_ram + kpu_sim_row_offset(src, w, h, c, yy);
      for (xx = 0; xx < w; xx++) {
        size_t at = nhwc ? ((size_t)yy * w + xx) * ic + c : ((size_t)c * h + yy) * w + xx;
        float t = x[at] * x_inv_scale;
        t = t + (float)x_zero_point;
        t = roundf(t);
        row[xx] = (uint8_t)(!(t >= 0.0f) ? 0.0f : t > 255.0f ? 255.0f : t);
      }
    }
  st = kpu_sim_run(eg_kpu_ram, layer, 1u, NULL, scratch, NULL);
  if (st != KPU_SIM_OK) return (int)st;
  download_f32(regs, y, nhwc, y_scale, y_zero_point, subsample);
  return 0;
}

int eg_kpu_conv2d_u8(const kpu_sim_layer_t *layer, const uint8_t *x, float *y, int32_t nhwc,
                     float y_scale, int32_t y_zero_point, const int32_t *subsample, uint8_t *scratch) {
  const uint64_t *regs = layer->regs;
  uint32_t ic = reg_field(regs[2], 0, 10) + 1u;
  uint32_t w = reg_field(regs[3], 0, 10) + 1u, h = reg_field(regs[3], 10, 9) + 1u;
  uint32_t src = reg_field(regs[1], 0, 15);
  uint32_t c, yy;
  kpu_sim_status_t st;
  if (src + kpu_sim_map_lines(w, h, ic) > KPU_SIM_RAM_LINES) return (int)KPU_SIM_OUTSIDE_RAM;
  for (c = 0; c < ic; c++)
    for (yy = 0; yy < h; yy++) memcpy(eg_kpu_ram + kpu_sim_row_offset(src, w, h, c, yy), x + ((size_t)c * h + yy) * w, w);
  st = kpu_sim_run(eg_kpu_ram, layer, 1u, NULL, scratch, NULL);
  if (st != KPU_SIM_OK) return (int)st;
  download_f32(regs, y, nhwc, y_scale, y_zero_point, subsample);
  return 0;
}
