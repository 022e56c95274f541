/*
 * The device implementation of kpu_driver.h (built with -DEG_KPU_DEVICE; otherwise this unit is
 * empty but for a typedef, and kpu_driver.c, the simulator, is the implementation). Freestanding:
 * it needs only <stdint.h>/<stddef.h> and touches the hardware only through kpu_mmio.h.
 *
 * Per layer, as nncase v0.2's on-device runtime does (K210-KPU.md section 4.3, "v4 runtime
 * behaviour"): the CPU writes the input map into KPU RAM in the section 1.3 layout through the
 * uncached window (section 1.7), pushes the 12 layer words to layer_argument_fifo in order
 * (section 2.1) with int_en set, send_data_out cleared (no output FIFO/DMA: the CPU reads the
 * result from KPU RAM) and the three parameter addresses patched in, polls calc_done at most
 * EG_KPU_POLL_LIMIT times, and reads the output map back. KPU RAM is touched only while the KPU is
 * idle (section 1.1). Global device state: not reentrant, one call at a time.
 */
#include "kpu_driver.h"
typedef int eg_kpu_device_unit_t;
#ifdef EG_KPU_DEVICE
#include <stddef.h>
#include "kpu_device.h"
#include "kpu_mmio.h"

#define LOW32 UINT64_C(0xFFFFFFFF)

static uint32_t reg_field(uint64_t word, unsigned lsb, unsigned width) {
  return (uint32_t)((word >> lsb) & (((uint64_t)1 << width) - 1u));
}

/* Bytes of one map row written to KPU RAM in 64-bit words; a row starts 8-byte aligned. */
typedef struct {
  uint64_t addr;    /* window address of the next word */
  uint64_t word;    /* bytes gathered so far, little-endian */
  unsigned filled;  /* how many */
} row_writer_t;

static row_writer_t row_writer(size_t ram_offset) {
  row_writer_t w;
  w.addr = EG_KPU_RAM_WINDOW + ram_offset;
  w.word = 0;
  w.filled = 0;
  return w;
}

static void row_put(row_writer_t *w, uint8_t b) {
  w->word |= (uint64_t)b << (8u * w->filled);
  if (++w->filled == 8u) {
    eg_mmio_write64(w->addr, w->word);
    w->addr += 8u;
    w->word = 0;
    w->filled = 0;
  }
}

/* The row's last partial word: the bytes past the row (slot padding) keep their contents. */
static void row_end(row_writer_t *w) {
  uint64_t keep;
  if (w->filled == 0) return;
  keep = ~(((uint64_t)1 << (8u * w->filled)) - 1u);
  eg_mmio_write64(w->addr, (eg_mmio_read64(w->addr) & keep) | w->word);
  w->filled = 0;
}

/* Reads bytes of one map row, one 64-bit load per word touched (the last word is kept). */
typedef struct {
  uint64_t base;
  uint64_t index; /* word index of `word`, or UINT64_MAX */
  uint64_t word;
} row_reader_t;

static row_reader_t row_reader(size_t ram_offset) {
  row_reader_t r;
  r.base = EG_KPU_RAM_WINDOW + ram_offset;
  r.index = UINT64_MAX;
  r.word = 0;
  return r;
}

static uint8_t row_get(row_reader_t *r, uint32_t x) {
  uint64_t index = x / 8u;
  if (index != r->index) {
    r->word = eg_mmio_read64(r->base + 8u * index);
    r->index = index;
  }
  return (uint8_t)(r->word >> (8u * (x % 8u)));
}

/*
 * clamp(roundf(t), 0, 255) without libm, bit-identical to the host driver: t < 0 (or NaN) rounds to
 * 0 or below; t >= 255.5 to 256 or more; in between, t - trunc(t) is exact (t < 2^23) and roundf
 * rounds halves away from zero.
 */
static uint8_t round_to_byte(float t) {
  int32_t i;
  if (!(t >= 0.0f)) return 0;
  if (t >= 255.5f) return 255;
  i = (int32_t)t;
  return (uint8_t)(t - (float)i >= 0.5f ? i + 1 : i);
}

/* Whether the layer's input and output maps lie inside KPU RAM (the simulator's check). */
static int maps_inside_ram(const uint64_t *regs) {
  uint32_t ic = reg_field(regs[2], 0, 10) + 1u, oc = reg_field(regs[2], 32, 10) + 1u;
  uint32_t w = reg_field(regs[3], 0, 10) + 1u, h = reg_field(regs[3], 10, 9) + 1u;
  uint32_t ow = reg_field(regs[3], 32, 10) + 1u, oh = reg_field(regs[3], 42, 9) + 1u;
  uint32_t src = reg_field(regs[1], 0, 15), dst = reg_field(regs[1], 32, 15);
  return src + kpu_sim_map_lines(w, h, ic) <= KPU_SIM_RAM_LINES && dst + kpu_sim_map_lines(ow, oh, oc) <= KPU_SIM_RAM_LINES;
}

/* Settings every run starts from (section 1.2): 8-bit weights, the drivers' FIFO thresholds, only
 * calc_done unmasked (polled; the PLIC's IRQN_AI_INTERRUPT is left to the application), all clear. */
static void kpu_setup(void) {
  eg_mmio_write64(EG_KPU_REG_EIGHT_BIT_MODE, 1u);
  eg_mmio_write64(EG_KPU_REG_FIFO_THRESHOLD, 10u | (1u << 4));
  eg_mmio_write64(EG_KPU_REG_INT_MASK, EG_KPU_INT_ALL & ~(uint64_t)EG_KPU_INT_CALC_DONE);
  eg_mmio_write64(EG_KPU_REG_INT_CLEAR, EG_KPU_INT_ALL);
}

/* One layer on the maps already in KPU RAM: 0, or the status that stopped it. */
static int run_layer(const kpu_sim_layer_t *layer) {
  uint64_t words[12];
  uint32_t bn = eg_kpu_bus_address(layer->bn), act = eg_kpu_bus_address(layer->act);
  uint32_t weights = eg_kpu_bus_address(layer->weights);
  unsigned long polls;
  unsigned i;
  if (layer->weight_bits != 8) return EG_KPU_ERR_WEIGHT_BITS;
  if (bn == 0 || act == 0 || weights == 0) return EG_KPU_ERR_PARAM_ADDRESS;
  if (!maps_inside_ram(layer->regs)) return (int)KPU_SIM_OUTSIDE_RAM;
  for (i = 0; i < 12u; i++) words[i] = layer->regs[i];
  words[0] |= 1u;                                          /* int_en: raise calc_done */
  words[4] = (words[4] & LOW32) | ((uint64_t)bn << 32);      /* bwsx_base_addr */
  words[5] = (words[5] & LOW32) | ((uint64_t)weights << 32); /* para_start_addr */
  words[7] = (words[7] & LOW32) | ((uint64_t)act << 32);     /* active_addr */
  words[11] &= ~(uint64_t)1u;                              /* send_data_out: no FIFO output */
  eg_mmio_write64(EG_KPU_REG_INT_CLEAR, EG_KPU_INT_ALL);
  for (i = 0; i < 12u; i++) eg_mmio_write64(EG_KPU_REG_LAYER_FIFO, words[i]);
  for (polls = 0; polls < EG_KPU_POLL_LIMIT; polls++)
    if ((eg_mmio_read64(EG_KPU_REG_INT_STATUS) & EG_KPU_INT_CALC_DONE) != 0) {
      eg_mmio_write64(EG_KPU_REG_INT_CLEAR, EG_KPU_INT_ALL);
      return 0;
    }
  return EG_KPU_ERR_TIMEOUT;
}

/* The CPU's strided copy inside KPU RAM between chained layers (kpu_driver.h, `subsamples`). */
static void subsample_in_ram(const uint64_t *from, const uint64_t *to, const int32_t *sub) {
  uint32_t oc = reg_field(from[2], 32, 10) + 1u;
  uint32_t ow = reg_field(from[3], 32, 10) + 1u, oh = reg_field(from[3], 42, 9) + 1u;
  uint32_t w = reg_field(to[3], 0, 10) + 1u, h = reg_field(to[3], 10, 9) + 1u;
  uint32_t dst = reg_field(from[1], 32, 15), src = reg_field(to[1], 0, 15);
  uint32_t stride = (uint32_t)sub[0], oy0 = (uint32_t)sub[1], ox0 = (uint32_t)sub[2];
  uint32_t c, yy, xx;
  for (c = 0; c < oc; c++)
    for (yy = 0; yy < h; yy++) {
      row_reader_t in = row_reader(kpu_sim_row_offset(dst, ow, oh, c, oy0 + stride * yy));
      row_writer_t out = row_writer(kpu_sim_row_offset(src, w, h, c, yy));
      for (xx = 0; xx < w; xx++) row_put(&out, row_get(&in, ox0 + stride * xx));
      row_end(&out);
    }
}

/* Where the last layer's map goes: dequantised into f32, or (f32 NULL) copied as bytes into u8. */
typedef struct {
  float *f32;
  uint8_t *u8;   /* dense planar NCHW */
  float scale;
  int32_t zero_point;
  int32_t nhwc;
} chain_output_t;

/* Runs the chain on the input map in KPU RAM, then reads the last layer's output into `out`. */
static int run_and_read(const kpu_sim_layer_t *const *layers, uint32_t count, const chain_output_t *out,
                        const int32_t *const *subsamples) {
  const uint64_t *regs = layers[count - 1u]->regs;
  const int32_t *last = subsamples != NULL ? subsamples[count - 1u] : NULL;
  uint32_t oc = reg_field(regs[2], 32, 10) + 1u, dst = reg_field(regs[1], 32, 15);
  uint32_t ow = reg_field(regs[3], 32, 10) + 1u, oh = reg_field(regs[3], 42, 9) + 1u;
  uint32_t stride = last ? (uint32_t)last[0] : 1u, oy0 = last ? (uint32_t)last[1] : 0u, ox0 = last ? (uint32_t)last[2] : 0u;
  uint32_t sh = last ? (uint32_t)last[3] : oh, sw = last ? (uint32_t)last[4] : ow;
  uint32_t i, c, yy, xx;
  size_t at = 0;
  for (i = 0; i < count; i++) {
    int st = run_layer(layers[i]);
    if (st != 0) return st;
    if (i + 1u < count && subsamples != NULL && subsamples[i] != NULL)
      subsample_in_ram(layers[i]->regs, layers[i + 1u]->regs, subsamples[i]);
  }
  for (c = 0; c < oc; c++)
    for (yy = 0; yy < sh; yy++) {
      row_reader_t row = row_reader(kpu_sim_row_offset(dst, ow, oh, c, oy0 + stride * yy));
      for (xx = 0; xx < sw; xx++, at++) {
        uint8_t q = row_get(&row, ox0 + stride * xx);
        size_t to = out->nhwc ? ((size_t)yy * sw + xx) * oc + c : at;
        if (out->f32 == NULL) out->u8[at] = q;
        else out->f32[to] = (float)((int32_t)q - out->zero_point) * out->scale;
      }
    }
  return 0;
}

/* The first layer's input map, as its registers give it. */
typedef struct {
  uint32_t channels, width, height, line;
} input_map_t;

static input_map_t input_map(const uint64_t *regs) {
  input_map_t m;
  m.channels = reg_field(regs[2], 0, 10) + 1u;
  m.width = reg_field(regs[3], 0, 10) + 1u;
  m.height = reg_field(regs[3], 10, 9) + 1u;
  m.line = reg_field(regs[1], 0, 15);
  return m;
}

/* What the first layer's input map is made from: float32 to quantise, or a uint8 frame to copy. */
typedef struct {
  const float *f32;   /* NULL for a uint8 frame */
  const uint8_t *u8;  /* dense planar NCHW */
  float inv_scale;
  int32_t zero_point;
  int32_t nhwc;
} chain_input_t;

/* Element (c, y, x) of the input as a map byte: q = clamp(roundf(x * inv_scale + zero_point), 0, 255). */
static uint8_t input_byte(const chain_input_t *src, input_map_t in, uint32_t c, uint32_t y, uint32_t x) {
  size_t planar = ((size_t)c * in.height + y) * in.width + x;
  float t;
  if (src->f32 == NULL) return src->u8[planar];
  t = src->f32[src->nhwc ? ((size_t)y * in.width + x) * in.channels + c : planar] * src->inv_scale;
  t = t + (float)src->zero_point; /* the same two float32 steps as the host driver */
  return round_to_byte(t);
}

/*
 * The whole call: check the input map fits in KPU RAM (else KPU_SIM_OUTSIDE_RAM), set the KPU up,
 * write the input map, run the chain and read the result.
 */
static int run_chain(const kpu_sim_layer_t *const *layers, uint32_t count, const chain_input_t *src,
                     const chain_output_t *out, const int32_t *const *subsamples) {
  input_map_t in = input_map(layers[0]->regs);
  uint32_t c, yy, xx;
  if (in.line + kpu_sim_map_lines(in.width, in.height, in.channels) > KPU_SIM_RAM_LINES) return (int)KPU_SIM_OUTSIDE_RAM;
  kpu_setup();
  for (c = 0; c < in.channels; c++)
    for (yy = 0; yy < in.height; yy++) {
      row_writer_t row = row_writer(kpu_sim_row_offset(in.line, in.width, in.height, c, yy));
      for (xx = 0; xx < in.width; xx++) row_put(&row, input_byte(src, in, c, yy, xx));
      row_end(&row);
    }
  return run_and_read(layers, count, out, subsamples);
}

static chain_input_t float_input(const float *x, float inv_scale, int32_t zero_point, int32_t nhwc) {
  chain_input_t src;
  src.f32 = x;
  src.u8 = NULL;
  src.inv_scale = inv_scale;
  src.zero_point = zero_point;
  src.nhwc = nhwc;
  return src;
}

static chain_input_t byte_input(const uint8_t *x) {
  chain_input_t src;
  src.f32 = NULL;
  src.u8 = x;
  src.inv_scale = 1.0f;
  src.zero_point = 0;
  src.nhwc = 0;
  return src;
}

static chain_output_t float_output(float *y, float scale, int32_t zero_point, int32_t nhwc) {
  chain_output_t out;
  out.f32 = y;
  out.u8 = NULL;
  out.scale = scale;
  out.zero_point = zero_point;
  out.nhwc = nhwc;
  return out;
}

static chain_output_t byte_output(uint8_t *y) {
  chain_output_t out = float_output(NULL, 1.0f, 0, 0);
  out.u8 = y;
  return out;
}

/* `scratch` is unused on the device: the KPU computes in its own RAM. */
int eg_kpu_chain_f32(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, float *y, int32_t nhwc,
                     float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                     const int32_t *const *subsamples, uint8_t *scratch) {
  chain_input_t src = float_input(x, x_inv_scale, x_zero_point, nhwc);
  chain_output_t out = float_output(y, y_scale, y_zero_point, nhwc);
  (void)scratch;
  return run_chain(layers, count, &src, &out, subsamples);
}

int eg_kpu_chain_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, float *y, int32_t nhwc,
                    float y_scale, int32_t y_zero_point, const int32_t *const *subsamples, uint8_t *scratch) {
  chain_input_t src = byte_input(x);
  chain_output_t out = float_output(y, y_scale, y_zero_point, nhwc);
  (void)scratch;
  return run_chain(layers, count, &src, &out, subsamples);
}

int eg_kpu_chain_f32_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, uint8_t *y, int32_t nhwc,
                           float x_inv_scale, int32_t x_zero_point, const int32_t *const *subsamples, uint8_t *scratch) {
  chain_input_t src = float_input(x, x_inv_scale, x_zero_point, nhwc);
  chain_output_t out = byte_output(y);
  (void)scratch;
  return run_chain(layers, count, &src, &out, subsamples);
}

int eg_kpu_chain_u8_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, uint8_t *y,
                          const int32_t *const *subsamples, uint8_t *scratch) {
  chain_input_t src = byte_input(x);
  chain_output_t out = byte_output(y);
  (void)scratch;
  return run_chain(layers, count, &src, &out, subsamples);
}

#ifndef EG_KPU_MMIO_MODEL
/* The uncached alias of KPU RAM (section 1.1); on the host kpu_model.c gives its RAM instead. */
uint8_t *eg_kpu_frame(uint32_t offset) {
  return offset < EG_KPU_RAM_WINDOW_BYTES ? (uint8_t *)(uintptr_t)(EG_KPU_RAM_WINDOW + offset) : NULL;
}
#endif
#endif /* EG_KPU_DEVICE */
