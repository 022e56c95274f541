#ifndef EGRET_KPU_MODEL_H_
#define EGRET_KPU_MODEL_H_
/*
 * A register-level model of the K210 KPU for the host (kpu_model.c), so the device driver
 * (kpu_device.c, -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL) runs unchanged on a PC. It implements
 * kpu_mmio.h: the control registers of K210-KPU.md section 1.2, the 2 MiB KPU RAM window, and the
 * KPU's view of parameter tables. When the 12th word of a layer reaches layer_argument_fifo it
 * decodes the words (section 2.1) exactly as written, resolves the three parameter addresses,
 * takes the weight width from eight_bit_mode, and runs kpu_sim on its RAM; calc_done appears after
 * EG_KPU_MODEL_LATENCY (environment, default 3) reads of interrupt_status, and only if the layer's
 * int_en is set. Protocol slips are counted, not forgiven. Host only (uses getenv and malloc).
 */
#include <stdint.h>

typedef struct {
  unsigned long layers_run;       /* layers computed and signalled */
  unsigned long layers_failed;    /* words the simulator rejected, or parameters it could not find */
  int last_failure;               /* kpu_sim_status_t, or KPU_MODEL_BAD_PARAMETERS */
  unsigned long ram_while_busy;   /* KPU RAM accesses while a layer was computing */
  unsigned long fifo_while_busy;  /* layer words pushed while a layer was computing */
  unsigned long unknown_accesses; /* addresses that are neither a KPU register nor its RAM window */
  unsigned long fifo_output;      /* layers with send_data_out set (the output FIFO is not modelled) */
} kpu_model_stats_t;

#define KPU_MODEL_BAD_PARAMETERS 100

kpu_model_stats_t kpu_model_stats(void);

#endif
