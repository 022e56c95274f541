/*
 * The host implementation of kpu_driver.h: the KPU simulated on a static 2 MiB buffer. Built unless
 * EG_KPU_DEVICE selects the device driver (kpu_device.c); then this unit is empty (the typedef only
 * keeps the translation unit non-empty, as ISO C requires).
 */
#include "kpu_driver.h"
typedef int eg_kpu_driver_host_unit_t;
#ifndef EG_KPU_DEVICE
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The KPU's 2 MiB SRAM (section 1.1): device memory, not part of the model's arena. */
static uint8_t eg_kpu_ram[KPU_SIM_RAM_BYTES];

const uint8_t *eg_kpu_host_ram(void) { return eg_kpu_ram; }

uint8_t *eg_kpu_frame(uint32_t offset) { return offset < KPU_SIM_RAM_BYTES ? eg_kpu_ram + offset : NULL; }

static uint32_t reg_field(uint64_t word, unsigned lsb, unsigned width) {
  return (uint32_t)((word >> lsb) & (((uint64_t)1 << width) - 1u));
}

/*
 * Reads the layer's output map (or its subsampled part, see kpu_driver.h) out of KPU RAM: dequantised
 * into y (NCHW, or NHWC when nhwc != 0), or, when y is NULL, as its bytes into bytes (planar NCHW).
 */
static void download(const uint64_t *regs, float *y, uint8_t *bytes, int32_t nhwc, float y_scale, int32_t y_zero_point,
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
        uint8_t q = row[ox0 + stride * xx];
        size_t at = nhwc ? ((size_t)yy * sw + xx) * oc + c : i;
        if (y == NULL) bytes[i] = q;
        else y[at] = (float)((int32_t)q - y_zero_point) * y_scale;
      }
    }
}

/*
 * The CPU's strided copy inside KPU RAM (the CPU addresses KPU RAM directly, section 1.7): the
 * output map of the layer with registers `from`, sampled at (oy + s*i, ox + s*j), becomes the input
 * map of the layer with registers `to` (whose input size is the sampled size). The two maps lie in
 * different regions of the chain, so they never overlap.
 */
static void subsample_in_ram(const uint64_t *from, const uint64_t *to, const int32_t *sub) {
  uint32_t oc = reg_field(from[2], 32, 10) + 1u;
  uint32_t ow = reg_field(from[3], 32, 10) + 1u, oh = reg_field(from[3], 42, 9) + 1u;
  uint32_t dst = reg_field(from[1], 32, 15);
  uint32_t w = reg_field(to[3], 0, 10) + 1u, h = reg_field(to[3], 10, 9) + 1u;
  uint32_t src = reg_field(to[1], 0, 15);
  uint32_t stride = (uint32_t)sub[0], oy0 = (uint32_t)sub[1], ox0 = (uint32_t)sub[2];
  uint32_t c, yy, xx;
  for (c = 0; c < oc; c++)
    for (yy = 0; yy < h; yy++) {
      const uint8_t *in = eg_kpu_ram + kpu_sim_row_offset(dst, ow, oh, c, oy0 + stride * yy);
      uint8_t *out = eg_kpu_ram + kpu_sim_row_offset(src, w, h, c, yy);
      for (xx = 0; xx < w; xx++) out[xx] = in[ox0 + stride * xx];
    }
}

/*
 * Runs the layers in order on the maps already in KPU RAM, stopping at the first failing one; a
 * layer with a subsampling (not the last) hands the next one its sampled map.
 */
static int run_layers_in(const kpu_sim_layer_t *const *layers, uint32_t count, const int32_t *const *subsamples,
                         uint8_t *scratch) {
  uint32_t i;
  for (i = 0; i < count; i++) {
    kpu_sim_status_t st = kpu_sim_run(eg_kpu_ram, layers[i], 1u, NULL, scratch, NULL);
    if (st != KPU_SIM_OK) return (int)st;
    if (i + 1u < count && subsamples != NULL && subsamples[i] != NULL)
      subsample_in_ram(layers[i]->regs, layers[i + 1u]->regs, subsamples[i]);
  }
  return 0;
}

/*
 * As run_layers_in; a NULL scratch (what generated code passes) is the simulator's own working
 * memory, allocated here for the call: it stands for the KPU's datapath, which the device has in
 * hardware, so it is no part of the model's arena (the device driver needs none).
 */
static int run_layers(const kpu_sim_layer_t *const *layers, uint32_t count, const int32_t *const *subsamples,
                      uint8_t *scratch) {
  size_t bytes = 0, b;
  uint32_t i;
  int st;
  if (scratch != NULL) return run_layers_in(layers, count, subsamples, scratch);
  for (i = 0; i < count; i++) {
    b = kpu_sim_scratch_bytes(layers[i]->regs);
    if (b > bytes) bytes = b;
  }
  scratch = (uint8_t *)malloc(bytes);
  if (scratch == NULL) return EG_KPU_ERR_HOST_MEMORY;
  st = run_layers_in(layers, count, subsamples, scratch);
  free(scratch);
  return st;
}

/*
 * Quantises straight into the KPU RAM layout (what the device's CPU re-layout does, section 1.7):
 * the first layer's input map. KPU_SIM_OUTSIDE_RAM if the map does not fit.
 */
static int upload_f32(const uint64_t *regs, const float *x, int32_t nhwc, float x_inv_scale, int32_t x_zero_point) {
  uint32_t ic = reg_field(regs[2], 0, 10) + 1u;
  uint32_t w = reg_field(regs[3], 0, 10) + 1u, h = reg_field(regs[3], 10, 9) + 1u;
  uint32_t src = reg_field(regs[1], 0, 15);
  uint32_t c, yy, xx;
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
  return 0;
}

/* Copies a map that is uint8 already (dense planar NCHW) into the first layer's input map. */
static int upload_u8(const uint64_t *regs, const uint8_t *x) {
  uint32_t ic = reg_field(regs[2], 0, 10) + 1u;
  uint32_t w = reg_field(regs[3], 0, 10) + 1u, h = reg_field(regs[3], 10, 9) + 1u;
  uint32_t src = reg_field(regs[1], 0, 15);
  uint32_t c, yy;
  if (src + kpu_sim_map_lines(w, h, ic) > KPU_SIM_RAM_LINES) return (int)KPU_SIM_OUTSIDE_RAM;
  for (c = 0; c < ic; c++)
    for (yy = 0; yy < h; yy++) memcpy(eg_kpu_ram + kpu_sim_row_offset(src, w, h, c, yy), x + ((size_t)c * h + yy) * w, w);
  return 0;
}

/* The last layer's subsampling, if any (applied on the way out). */
static const int32_t *last_subsample(uint32_t count, const int32_t *const *subsamples) {
  return subsamples != NULL ? subsamples[count - 1u] : NULL;
}

/* The maps between chained layers never leave KPU RAM; only the last one is read out. */
int eg_kpu_chain_f32(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, float *y, int32_t nhwc,
                     float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                     const int32_t *const *subsamples, uint8_t *scratch) {
  int st = upload_f32(layers[0]->regs, x, nhwc, x_inv_scale, x_zero_point);
  if (st == 0) st = run_layers(layers, count, subsamples, scratch);
  if (st == 0) download(layers[count - 1u]->regs, y, NULL, nhwc, y_scale, y_zero_point, last_subsample(count, subsamples));
  return st;
}

int eg_kpu_chain_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, float *y, int32_t nhwc,
                    float y_scale, int32_t y_zero_point, const int32_t *const *subsamples, uint8_t *scratch) {
  int st = upload_u8(layers[0]->regs, x);
  if (st == 0) st = run_layers(layers, count, subsamples, scratch);
  if (st == 0) download(layers[count - 1u]->regs, y, NULL, nhwc, y_scale, y_zero_point, last_subsample(count, subsamples));
  return st;
}

int eg_kpu_chain_f32_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, uint8_t *y, int32_t nhwc,
                           float x_inv_scale, int32_t x_zero_point, const int32_t *const *subsamples, uint8_t *scratch) {
  int st = upload_f32(layers[0]->regs, x, nhwc, x_inv_scale, x_zero_point);
  if (st == 0) st = run_layers(layers, count, subsamples, scratch);
  if (st == 0) download(layers[count - 1u]->regs, NULL, y, 0, 1.0f, 0, last_subsample(count, subsamples));
  return st;
}

int eg_kpu_chain_u8_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, uint8_t *y,
                          const int32_t *const *subsamples, uint8_t *scratch) {
  int st = upload_u8(layers[0]->regs, x);
  if (st == 0) st = run_layers(layers, count, subsamples, scratch);
  if (st == 0) download(layers[count - 1u]->regs, NULL, y, 0, 1.0f, 0, last_subsample(count, subsamples));
  return st;
}

#endif /* EG_KPU_DEVICE */
