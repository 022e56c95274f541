#ifndef EGRET_KPU_DRIVER_H_
#define EGRET_KPU_DRIVER_H_
/*
 * The small KPU driver interface the generated K210 code calls (one call per KPU layer). Its host
 * implementation (kpu_driver.c) runs the bit-accurate simulator kpu_sim.c on a 2 MiB buffer that
 * stands for the KPU's own SRAM, so the same model.c runs on a PC or under qemu-riscv64.
 *
 * Two implementations, chosen at build time:
 *   - default: kpu_driver.c, the host implementation (simulator).
 *   - -DEG_KPU_DEVICE: kpu_device.c, the device driver for the K210 itself: it writes the maps into
 *     KPU RAM through its uncached window, pushes the 12 register words to the layer FIFO, polls
 *     calc_done a bounded number of times and reads the output back (K210-KPU.md sections 1.2, 1.7,
 *     4.3 "v4 runtime behaviour"). Its register accesses go through kpu_mmio.h, so on the host the
 *     same code runs against the register-level model kpu_model.c (-DEG_KPU_MMIO_MODEL).
 * Either way the KPU and its 2 MiB of RAM are ONE global device: these calls are not reentrant and
 * must not run concurrently (one inference at a time). Every call returns 0 or a nonzero status
 * (kpu_sim_status_t, or an EG_KPU_ERR_* code of kpu_device.h), and the caller must not ignore it.
 */
#include <stdint.h>
#include "kpu_sim.h"

/* The host driver could not allocate the simulator's working memory (scratch NULL, see below). */
#define EG_KPU_ERR_HOST_MEMORY 80

/* nncase's parameter alignments (section 2.4): 256 bytes for weights, BN and activation tables. */
#if defined(__GNUC__)
#define EG_KPU_ALIGN(n) __attribute__((aligned(n)))
#else
#define EG_KPU_ALIGN(n)
#endif

/*
 * One fused KPU layer on float tensors: quantise x (float32, NCHW or NHWC when nhwc != 0) to uint8
 * with q = clamp(roundf(x * x_inv_scale + x_zero_point), 0, 255), run the layer, dequantise with
 * y = (q - y_zero_point) * y_scale. `subsample` is NULL, or {stride, offset_y, offset_x, out_h,
 * out_w}: y then holds only the KPU outputs at (offset_y + stride*i, offset_x + stride*j), the CPU
 * strided copy that gives stride-2 depthwise convs (run at stride 1 on the KPU). `scratch` holds
 * kpu_sim_scratch_bytes(layer->regs) bytes, or is NULL (what generated code passes): the host
 * driver then allocates the simulator's working memory for the call (it stands for the KPU's own
 * datapath, so it is no part of the model's arena; EG_KPU_ERR_HOST_MEMORY if that fails). The device
 * driver needs none. Returns 0, or the nonzero status that stopped the layer (see above).
 */
static inline int eg_kpu_conv2d_f32(const kpu_sim_layer_t *layer, const float *x, float *y, int32_t nhwc,
                                    float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                    const int32_t *subsample, uint8_t *scratch);

/*
 * The same layer on an input that is its uint8 map already (dense planar NCHW, e.g. a camera frame
 * for a `--input-type uint8` model): copied into KPU RAM as is, nothing quantised.
 */
static inline int eg_kpu_conv2d_u8(const kpu_sim_layer_t *layer, const uint8_t *x, float *y, int32_t nhwc,
                                   float y_scale, int32_t y_zero_point, const int32_t *subsample, uint8_t *scratch);

/*
 * A chain of `count` >= 1 KPU layers, each reading the map the one before wrote: x is quantised
 * (or, for the _u8 form, copied) into the first layer's input map, the layers run one after another
 * inside KPU RAM, and only the last layer's output is dequantised into y. `subsamples` is NULL or
 * holds `count` entries, each NULL or {stride, offset_y, offset_x, out_h, out_w} as above: for a
 * layer before the last, the CPU copies the sampled map inside KPU RAM to the next layer's source
 * line; otherwise the next layer's source line is this layer's destination line. The last entry
 * subsamples the download into y. Nothing between the layers passes through main memory.
 * `scratch` holds the largest kpu_sim_scratch_bytes of the layers, or is NULL (as above). The single-layer calls above
 * are chains of one.
 */
int eg_kpu_chain_f32(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, float *y, int32_t nhwc,
                     float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                     const int32_t *const *subsamples, uint8_t *scratch);
int eg_kpu_chain_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, float *y, int32_t nhwc,
                    float y_scale, int32_t y_zero_point, const int32_t *const *subsamples, uint8_t *scratch);

/*
 * The same chains with the last map read out as it is, dense planar NCHW uint8 bytes (subsampled as
 * above), nothing dequantised: a map that only KPU layers with the same quantisation read next (they
 * take it through eg_kpu_chain_u8), a quarter of the float bytes in main memory.
 */
int eg_kpu_chain_f32_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const float *x, uint8_t *y, int32_t nhwc,
                           float x_inv_scale, int32_t x_zero_point, const int32_t *const *subsamples, uint8_t *scratch);
int eg_kpu_chain_u8_to_u8(const kpu_sim_layer_t *const *layers, uint32_t count, const uint8_t *x, uint8_t *y,
                          const int32_t *const *subsamples, uint8_t *scratch);

/* The single-layer calls are chains of one, whichever implementation is built. */
static inline int eg_kpu_conv2d_f32(const kpu_sim_layer_t *layer, const float *x, float *y, int32_t nhwc,
                                    float x_inv_scale, int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                    const int32_t *subsample, uint8_t *scratch) {
  const int32_t *subsamples[1];
  subsamples[0] = subsample;
  return eg_kpu_chain_f32(&layer, 1u, x, y, nhwc, x_inv_scale, x_zero_point, y_scale, y_zero_point, subsamples, scratch);
}

static inline int eg_kpu_conv2d_u8(const kpu_sim_layer_t *layer, const uint8_t *x, float *y, int32_t nhwc,
                                   float y_scale, int32_t y_zero_point, const int32_t *subsample, uint8_t *scratch) {
  const int32_t *subsamples[1];
  subsamples[0] = subsample;
  return eg_kpu_chain_u8(&layer, 1u, x, y, nhwc, y_scale, y_zero_point, subsamples, scratch);
}

/*
 * Byte `offset` of KPU RAM as a pointer the CPU writes through: where the caller places a uint8 frame
 * input that model_kpu.h gives an offset for (MODEL_INPUT<i>_KPU_OFFSET), then passes the pointer to
 * model_run as that input. The program's KPU layers never touch those bytes, so the frame costs no
 * main memory (nncase places its input in KPU RAM too). Write it only while no model_run is active
 * (the CPU may access KPU RAM only while the KPU is idle, K210-KPU.md section 1.1). On the device the
 * uncached alias (0x40600000 + offset): a DMA (e.g. the camera's) may fill it directly.
 */
uint8_t *eg_kpu_frame(uint32_t offset);

#if !defined(EG_KPU_DEVICE) || defined(EG_KPU_MMIO_MODEL)
/* The host's 2 MiB of KPU RAM (the simulator's buffer, or the register model's): for checks on the host. */
const uint8_t *eg_kpu_host_ram(void);
#endif

#endif
