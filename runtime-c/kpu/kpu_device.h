#ifndef EGRET_KPU_DEVICE_H_
#define EGRET_KPU_DEVICE_H_
/*
 * Statuses of the device KPU driver (kpu_device.c, built with -DEG_KPU_DEVICE) beyond the
 * simulator's kpu_sim_status_t (which it also returns for maps outside KPU RAM). Values start at
 * 64 so they never collide with kpu_sim_status_t.
 */

/* calc_done did not come within EG_KPU_POLL_LIMIT status reads. The KPU may still be running:
 * reset it (sysctl) before the next inference; the outputs are not valid. */
#define EG_KPU_ERR_TIMEOUT 64
/* A parameter table (BN, activation, weights) is not in main SRAM, where the KPU reads it. */
#define EG_KPU_ERR_PARAM_ADDRESS 65
/* 16-bit weights: the driver runs the KPU in 8-bit mode only (the v4 runtime does the same). */
#define EG_KPU_ERR_WEIGHT_BITS 66

/*
 * Status reads per layer before EG_KPU_ERR_TIMEOUT: a count, not a time. The largest legal layer
 * (K210-KPU.md section 1.4) takes milliseconds at 400 MHz, far fewer reads than this.
 */
#ifndef EG_KPU_POLL_LIMIT
#define EG_KPU_POLL_LIMIT 50000000UL
#endif

#endif
