/* The simulator; not part of a device build (-DEG_KPU_DEVICE) unless the register-level model runs on it. */
#include "kpu_sim.h"
typedef int eg_kpu_sim_unit_t;
#if !defined(EG_KPU_DEVICE) || defined(EG_KPU_MMIO_MODEL)

#include <string.h>

/* Unsigned field of a 64-bit word. */
static uint64_t field_u(uint64_t word, unsigned lsb, unsigned width) {
  return (word >> lsb) & ((((uint64_t)1) << width) - 1u);
}

/* Signed (two's-complement) field, sign-extended without implementation-defined conversions. */
static int64_t field_s(uint64_t word, unsigned lsb, unsigned width) {
  uint64_t raw = field_u(word, lsb, width);
  uint64_t sign = ((uint64_t)1) << (width - 1u);
  return raw >= sign ? (int64_t)(raw - sign) - (int64_t)sign : (int64_t)raw;
}

/* floor(x / 2^s): the spec's arithmetic shift, written without shifting negative values. */
static int64_t floor_shift(int64_t x, unsigned s) {
  if (x >= 0) return x >> s;
  return -((-(x + 1)) >> s) - 1;
}

static int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* R(p, s) of nncase v0.2 (section 3.3). */
static int64_t round_v02(int64_t p, unsigned s) {
  int64_t i, f, h, sigma;
  if (s == 0) return p;
  i = floor_shift(p, s);
  f = p - i * ((int64_t)1 << s);
  h = (int64_t)1 << (s - 1u);
  sigma = p < 0 ? -1 : 1;
  if (f < h) return i;
  if (f > h) return i + sigma;
  return (i % 2 != 0) ? i + sigma : i;
}

/* R'(p, s) of nncase v0.1 / SDK kpu_carry_shift (section 3.5); R'(p, 0) = p. */
static int64_t round_v01(int64_t p, unsigned s) {
  int64_t q;
  if (s == 0) return p;
  q = floor_shift(p, s - 1u);
  if (q % 2 != 0) return p < 0 ? floor_shift(q, 1) - 1 : floor_shift(q, 1) + 1;
  return floor_shift(q, 1);
}

void kpu_sim_upload(uint8_t *ram, uint32_t line, uint32_t channels, uint32_t height, uint32_t width, const uint8_t *dense) {
  uint32_t c, y;
  for (c = 0; c < channels; c++)
    for (y = 0; y < height; y++)
      memcpy(ram + kpu_sim_row_offset(line, width, height, c, y), dense + ((size_t)c * height + y) * width, width);
}

void kpu_sim_download(const uint8_t *ram, uint32_t line, uint32_t channels, uint32_t height, uint32_t width, uint8_t *dense) {
  uint32_t c, y;
  for (c = 0; c < channels; c++)
    for (y = 0; y < height; y++)
      memcpy(dense + ((size_t)c * height + y) * width, ram + kpu_sim_row_offset(line, width, height, c, y), width);
}

/* Geometry decoded from the registers (Appendix A step 1). */
typedef struct {
  uint32_t ic, oc, w, h, ow, oh, k, dw, pool, stride;
} geometry_t;

static kpu_sim_status_t decode(const uint64_t *regs, geometry_t *g) {
  uint64_t kernel_type = field_u(regs[4], 0, 3);
  g->dw = (uint32_t)field_u(regs[0], 3, 1);
  g->ic = (uint32_t)field_u(regs[2], 0, 10) + 1u;
  g->oc = (uint32_t)field_u(regs[2], 32, 10) + 1u;
  g->w = (uint32_t)field_u(regs[3], 0, 10) + 1u;
  g->h = (uint32_t)field_u(regs[3], 10, 9) + 1u;
  g->ow = (uint32_t)field_u(regs[3], 32, 10) + 1u;
  g->oh = (uint32_t)field_u(regs[3], 42, 9) + 1u;
  g->pool = (uint32_t)field_u(regs[4], 4, 4);
  if (kernel_type > 1) return KPU_SIM_BAD_KERNEL;
  g->k = kernel_type == 0 ? 1u : 3u;
  switch (g->pool) {
    case 0: case 8: case 9: g->stride = 1; break;
    case 1: case 2: case 5: case 6: g->stride = 2; break;
    case 3: case 4: case 7: g->stride = 4; break;
    default: return KPU_SIM_BAD_POOL;
  }
  if (g->oh != g->h / g->stride || g->ow != g->w / g->stride) return KPU_SIM_BAD_OUTPUT_SIZE;
  if (g->dw && g->ic != g->oc) return KPU_SIM_BAD_DEPTHWISE;
  return KPU_SIM_OK;
}

size_t kpu_sim_scratch_bytes(const uint64_t *regs) {
  size_t ic = (size_t)field_u(regs[2], 0, 10) + 1u;
  size_t w = (size_t)field_u(regs[3], 0, 10) + 1u;
  size_t h = (size_t)field_u(regs[3], 10, 9) + 1u;
  return ic * (h + 2u) * (w + 2u) + h * w + 8u;
}

static uint32_t weight_at(const kpu_sim_layer_t *layer, size_t i) {
  if (layer->weight_bits == 16) return (uint32_t)layer->weights[2 * i] | ((uint32_t)layer->weights[2 * i + 1] << 8);
  return layer->weights[i];
}

/* Stage 3 (section 3.3): segment choice, rounding, bias, clamp. */
static uint8_t activate(int64_t v, const uint64_t *act, const kpu_sim_options_t *opt) {
  int chosen = -1, i;
  int64_t x_start, diff, r, z;
  unsigned shift;
  for (i = 0; i < 16; i++) {
    int64_t x = field_s(act[i], 24, 36);
    if (opt->inclusive_segments ? v >= x : v > x) chosen = i;
  }
  if (chosen < 0) return 0;
  x_start = field_s(act[chosen], 24, 36);
  shift = (unsigned)field_u(act[chosen], 0, 8);
  diff = v - x_start; /* |v| < 2^47, |X| < 2^35: |diff| < 2^48, so diff * m stays below 2^63 */
  r = opt->rounding_v01 ? round_v01(diff * field_s(act[chosen], 8, 16), shift)
                        : round_v02(diff * field_s(act[chosen], 8, 16), shift);
  z = r + (int64_t)field_u(act[16 + chosen / 8], 8u * (unsigned)(chosen % 8), 8);
  return (uint8_t)(z < 0 ? 0 : z > 255 ? 255 : z);
}

/* Stage 4 (section 1.5) for one output pixel of one channel's activated H x W map. */
static uint8_t pool_pixel(const uint8_t *m, const geometry_t *g, uint32_t i, uint32_t j) {
  uint32_t h = g->h, w = g->w, n, dy, dx, y1, x1, sum = 0, max = 0;
  switch (g->pool) {
    case 0: return m[i * w + j];
    case 1: case 2: case 3: case 4:
      n = g->pool <= 2 ? 2u : 4u;
      for (dy = 0; dy < n; dy++)
        for (dx = 0; dx < n; dx++) {
          uint32_t t = m[(n * i + dy) * w + n * j + dx];
          sum += t;
          if (t > max) max = t;
        }
      return (uint8_t)((g->pool == 1 || g->pool == 3) ? max : sum / (n * n));
    case 5: return m[2 * i * w + 2 * j];
    case 6: return 2 * j + 1 < w ? m[2 * i * w + 2 * j + 1] : 0;
    case 7: return m[4 * i * w + 4 * j];
    case 8:
      y1 = i + 1 < h ? i + 1 : h - 1;
      x1 = j + 1 < w ? j + 1 : w - 1;
      return (uint8_t)(((uint32_t)m[i * w + j] + m[i * w + x1] + m[y1 * w + j] + m[y1 * w + x1]) / 4u);
    default: /* 9: taps past the right/bottom edge count as 0 */
      for (dy = 0; dy < 2; dy++)
        for (dx = 0; dx < 2; dx++)
          if (i + dy < h && j + dx < w && m[(i + dy) * w + j + dx] > max) max = m[(i + dy) * w + j + dx];
      return (uint8_t)max;
  }
}

static kpu_sim_status_t run_once(uint8_t *ram, const kpu_sim_layer_t *layer, const geometry_t *g, uint32_t src,
                                 uint32_t dst, const kpu_sim_options_t *opt, uint8_t *scratch, uint8_t *dense_out) {
  const uint64_t *regs = layer->regs;
  uint32_t pad = (g->k - 1u) / 2u, pw = g->w + 2u * pad, ph = g->h + 2u * pad;
  uint32_t kk = g->k * g->k, group = g->dw ? 1u : g->ic;
  uint8_t *padded = scratch;
  uint8_t *activated = scratch + (size_t)g->ic * ph * pw;
  int64_t arg_w = field_s(regs[9], 8, 24), arg_x = field_s(regs[9], 32, 24);
  unsigned shr_w = (unsigned)field_u(regs[9], 0, 4), shr_x = (unsigned)field_u(regs[9], 4, 4);
  int64_t add_term = field_s(regs[10], 0, 40) * (int64_t)group;
  const int64_t acc_limit = (int64_t)1 << 39, bn_limit = (int64_t)1 << 47;
  uint32_t c, y, x, o, ci, ky, kx, i, j;
  kpu_row_layout_t out_layout = kpu_row_layout(g->ow);

  /* Read the whole input first, into a copy padded with pad_value (section 3.1). */
  memset(padded, (int)field_u(regs[4], 24, 8), (size_t)g->ic * ph * pw);
  for (c = 0; c < g->ic; c++)
    for (y = 0; y < g->h; y++)
      memcpy(padded + ((size_t)c * ph + y + pad) * pw + pad, ram + kpu_sim_row_offset(src, g->w, g->h, c, y), g->w);

  for (o = 0; o < g->oc; o++) {
    size_t w_base = (size_t)o * group * kk;
    int64_t sum_w = 0, w_term;
    uint64_t bn = layer->bn[o];
    int64_t norm_mul = field_s(bn, 0, 24), norm_add = field_s(bn, 24, 32);
    unsigned norm_shift = (unsigned)field_u(bn, 56, 4);
    uint32_t c0 = g->dw ? o : 0u;
    for (i = 0; i < group * kk; i++) sum_w += weight_at(layer, w_base + i);
    w_term = floor_shift(arg_w * sum_w, shr_w);
    for (y = 0; y < g->h; y++) {
      for (x = 0; x < g->w; x++) {
        int64_t s = 0, sum_x = 0, acc, v;
        for (ci = 0; ci < group; ci++) {
          const uint8_t *row = padded + ((size_t)(c0 + ci) * ph + y) * pw + x;
          size_t wb = w_base + (size_t)ci * kk;
          for (ky = 0; ky < g->k; ky++)
            for (kx = 0; kx < g->k; kx++) {
              int64_t xv = row[ky * pw + kx];
              s += xv * (int64_t)weight_at(layer, wb + ky * g->k + kx);
              sum_x += xv;
            }
        }
        acc = s + floor_shift(arg_x * sum_x, shr_x) + w_term + add_term;
        if (abs64(acc) >= acc_limit) return KPU_SIM_RANGE;
        v = floor_shift(acc * norm_mul, norm_shift) + norm_add;
        if (abs64(v) >= bn_limit) return KPU_SIM_RANGE;
        activated[y * g->w + x] = activate(v, layer->act, opt);
      }
    }
    for (i = 0; i < g->oh; i++) {
      uint8_t *line = ram + (size_t)64u * (dst + (o / out_layout.groups) * out_layout.lines_per_row * g->oh +
                                           i * out_layout.lines_per_row) + (o % out_layout.groups) * out_layout.pitch;
      for (j = 0; j < g->ow; j++) {
        uint8_t r = pool_pixel(activated, g, i, j);
        line[j] = r;
        if (dense_out) dense_out[((size_t)o * g->oh + i) * g->ow + j] = r;
      }
    }
  }
  return KPU_SIM_OK;
}

kpu_sim_status_t kpu_sim_run(uint8_t *ram, const kpu_sim_layer_t *layer, uint32_t batches,
                             const kpu_sim_options_t *options, uint8_t *scratch, uint8_t *dense_out) {
  static const kpu_sim_options_t defaults = {0, 0};
  const kpu_sim_options_t *opt = options ? options : &defaults;
  geometry_t g;
  uint32_t b, in_lines, out_lines, i;
  kpu_sim_status_t st = decode(layer->regs, &g);
  if (st != KPU_SIM_OK) return st;
  for (i = 0; i < 16; i++)
    if (field_u(layer->act[i], 0, 8) > 31u) return KPU_SIM_BAD_ACT_SHIFT;
  in_lines = kpu_sim_map_lines(g.w, g.h, g.ic);
  out_lines = kpu_sim_map_lines(g.ow, g.oh, g.oc);
  for (b = 0; b < batches; b++) {
    uint32_t src = (uint32_t)field_u(layer->regs[1], 0, 15) + b * in_lines;
    uint32_t dst = (uint32_t)field_u(layer->regs[1], 32, 15) + b * out_lines;
    if (src + in_lines > KPU_SIM_RAM_LINES || dst + out_lines > KPU_SIM_RAM_LINES) return KPU_SIM_OUTSIDE_RAM;
    st = run_once(ram, layer, &g, src, dst, opt, scratch,
                  dense_out ? dense_out + (size_t)b * g.oc * g.oh * g.ow : NULL);
    if (st != KPU_SIM_OK) return st;
  }
  return KPU_SIM_OK;
}

#endif
