/*
 * Statuses of one KPU call through whichever driver this is linked with (the simulator path, or the
 * device driver over the register-level model): prints "<case> <status>" per case.
 *   outside:  a 4x4x1 input map at line 32767 runs past the 2 MiB of KPU RAM
 *   bits16:   16-bit weights (the device driver runs the KPU in 8-bit mode only)
 *   kernel:   kernel_type 3, which no KPU layer has (the simulator rejects it; the KPU never finishes)
 *   ok:       a valid 1x1 layer on a 4x4x1 map
 */
#include <stdio.h>
#include "kpu_driver.h"
#ifdef EG_KPU_MMIO_MODEL
#include "kpu_model.h"
#endif

static uint64_t regs[12];
static const uint64_t bn[1] EG_KPU_ALIGN(256) = { UINT64_C(1) }; /* norm_mul 1, add 0, shift 0 */
static const uint64_t act[18] EG_KPU_ALIGN(256) = { 0 };
static const uint8_t weights[1] EG_KPU_ALIGN(256) = { 1 };

/* A 1x1 conv, 1 channel, 4x4 in and out, input at line `src`, output at line 64. */
static void layer_words(uint32_t src, uint64_t kernel_type) {
  unsigned i;
  for (i = 0; i < 12u; i++) regs[i] = 0;
  regs[1] = (uint64_t)src | ((uint64_t)64 << 32);
  regs[3] = 3u | (3u << 10) | ((uint64_t)3 << 32) | ((uint64_t)3 << 42);
  regs[4] = kernel_type | (1u << 10) | (15u << 16);
  regs[5] = 1u | (1u << 15);
  regs[7] = 4u | (1u << 16) | (1u << 28) | (1u << 31);
  regs[8] = 4u | (1u << 16) | (1u << 20);
  regs[11] = (15u << 16) | ((uint64_t)15 << 32);
}

static int run(uint32_t src, uint64_t kernel_type, int weight_bits) {
  static uint8_t scratch[4096];
  static const float x[16] = { 0 };
  static float y[16];
  kpu_sim_layer_t layer;
  layer_words(src, kernel_type);
  layer.regs = regs;
  layer.bn = bn;
  layer.act = act;
  layer.weights = weights;
  layer.weight_bits = weight_bits;
  return eg_kpu_conv2d_f32(&layer, x, y, 0, 1.0f, 0, 1.0f, 0, NULL, scratch);
}

int main(void) {
  printf("outside %d\n", run(32767u, 0, 8));
  printf("bits16 %d\n", run(0, 0, 16));
  printf("kernel %d\n", run(0, 3, 8));
  printf("ok %d\n", run(0, 0, 8));
#ifdef EG_KPU_MMIO_MODEL
  printf("model last_failure %d\n", kpu_model_stats().last_failure);
#endif
  return 0;
}
