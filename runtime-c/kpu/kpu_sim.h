#ifndef EGRET_KPU_SIM_H_
#define EGRET_KPU_SIM_H_
/*
 * Bit-accurate software model of the K210 KPU (K210-KPU.md, Appendix A): the host/QEMU
 * implementation of the KPU driver interface. It computes exactly what backends/k210/kpu-sim.ts
 * computes (the property test test/backends/k210-sim.test.ts checks the two bit for bit):
 *   conv (§3.1) -> batch-norm (§3.2) -> 16-segment activation + clamp (§3.3) -> pool (§1.5)
 *   -> write-back to KPU RAM in the §1.3 layout.
 * Defined behaviour where the spec is open: no matching segment gives 0; |acc| >= 2^39 or
 * |v| >= 2^47 is KPU_SIM_RANGE (never a wrap or UB); activation shifts > 31 are rejected; the
 * whole input is read before any output is written. C99, no allocation.
 */
#include <stddef.h>
#include <stdint.h>
#include "kpu_layout.h" /* kpu_sim_map_lines, kpu_sim_row_offset (section 1.3) */

#define KPU_SIM_RAM_BYTES (2u * 1024u * 1024u)
#define KPU_SIM_RAM_LINES 32768u

typedef enum {
  KPU_SIM_OK = 0,
  KPU_SIM_BAD_KERNEL,      /* kernel_type is not 0 or 1 */
  KPU_SIM_BAD_POOL,        /* pool_type is not 0..9 */
  KPU_SIM_BAD_OUTPUT_SIZE, /* o_row_wid/o_col_high do not match the pooled input size, or empty */
  KPU_SIM_BAD_DEPTHWISE,   /* depthwise with IC != OC */
  KPU_SIM_BAD_ACT_SHIFT,   /* an activation shift above 31 */
  KPU_SIM_OUTSIDE_RAM,     /* a map runs past the 2 MiB of KPU RAM */
  KPU_SIM_RANGE            /* accumulator or batch-norm output outside the modelled range */
} kpu_sim_status_t;

typedef struct {
  int rounding_v01;       /* 0: R of nncase v0.2 (default); 1: R' of v0.1 / SDK (section 3.5) */
  int inclusive_segments; /* 0: largest i with v > X_i (v0.2); 1: X_i <= v (v0.1) */
} kpu_sim_options_t;

typedef struct {
  const uint64_t *regs;    /* the 12 words of kpu_layer_argument_t */
  const uint64_t *bn;      /* OC words of kpu_batchnorm_argument_t */
  const uint64_t *act;     /* the 18 words of kpu_activate_table_t */
  const uint8_t *weights;  /* OIHW (depthwise C,k,k); uint8, or uint16 little-endian */
  int weight_bits;         /* 8 or 16 */
} kpu_sim_layer_t;

/* Dense NCHW uint8 <-> KPU RAM layout at base line `line` (padding bytes untouched). */
void kpu_sim_upload(uint8_t *ram, uint32_t line, uint32_t channels, uint32_t height, uint32_t width, const uint8_t *dense);
void kpu_sim_download(const uint8_t *ram, uint32_t line, uint32_t channels, uint32_t height, uint32_t width, uint8_t *dense);

/* Scratch bytes kpu_sim_run needs for these registers. */
size_t kpu_sim_scratch_bytes(const uint64_t *regs);

/*
 * Runs the layer `batches` times on `ram` (KPU_SIM_RAM_BYTES), advancing the source and
 * destination by one map per batch (section 3.4). If dense_out is not NULL it receives the
 * dense OC x OH x OW output of every batch, back to back (the FIFO stream).
 */
kpu_sim_status_t kpu_sim_run(uint8_t *ram, const kpu_sim_layer_t *layer, uint32_t batches,
                             const kpu_sim_options_t *options, uint8_t *scratch, uint8_t *dense_out);

#endif
