/*
 * Cortex-M4 instruction timing from the instruction's encoding (ARM DDI 0439, "Instruction timing"
 * and the FPU chapter). Pure functions of the instruction bytes, so the plugin and a host test can
 * use them alike. The model and its simplifications are in docs/cortex-m.md ("Estimating cycles").
 */
#ifndef EGRET_M4_TIMING_H_
#define EGRET_M4_TIMING_H_

#include <stddef.h>
#include <stdint.h>

/* The instruction writes the PC: taken, it costs the pipeline refill P (added when it is taken). */
#define EG_M4_BRANCH 0x01u
/* The instruction reads data memory (flash wait states apply to the reads in the flash region). */
#define EG_M4_LOADS 0x02u
/* A single load (LDR/LDRB/LDRH/LDRS*, not to the PC): a following single load/store can pipeline. */
#define EG_M4_SINGLE_LOAD 0x04u
/* A single load or store that costs 2 cycles unless it pipelines after a single load. */
#define EG_M4_PIPELINABLE 0x08u
/* A word load (LDR). (Windows are marked by PC, see cycles-plugin.c, not by these.) */
#define EG_M4_WORD_LOAD 0x10u

/* Division is 2..12 cycles (early termination); the estimate takes the worst case. */
#define EG_M4_DIV_CYCLES 12u
/* VDIV.F32 and VSQRT.F32. */
#define EG_M4_FP_LONG_CYCLES 14u
/* VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS.F32. */
#define EG_M4_FP_MAC_CYCLES 3u

typedef struct {
  /* Cycles with zero wait states, the branch not taken and no pipelining with the previous one. */
  uint8_t cycles;
  uint8_t flags;
  /* Registers (0..15, or 16 for none): a single load's destination, a single load/store's base and offset. */
  uint8_t rt;
  uint8_t rn;
  uint8_t rm;
} eg_m4_timing;

/* Timing of the Thumb instruction in `bytes` (2 or 4 bytes, little-endian halfwords). */
eg_m4_timing eg_m4_decode(const uint8_t *bytes, size_t size);

/*
 * Cycles of `cur` when it follows `prev` in program order: neighbouring single loads/stores
 * pipeline their address and data phases (N loads take N+1 cycles), unless `cur` addresses through
 * the register `prev` loads. Nothing pipelines after a store.
 */
unsigned eg_m4_cycles_after(const eg_m4_timing *prev, const eg_m4_timing *cur);

#endif /* EGRET_M4_TIMING_H_ */
