/* The register-level KPU model (kpu_model.h). Built only for host checks of the device driver. */
#include "kpu_model.h"
#include <stdlib.h>
#include "kpu_driver.h"
#include "kpu_mmio.h"
#include "kpu_sim.h"

/* Parameter tables the driver asked addresses for; table i is at 0x40000000 + 256 * (i + 1). */
#define PARAM_SLOTS 4096u
#define PARAM_STRIDE 256u

static uint8_t ram[KPU_SIM_RAM_BYTES];
static const void *params[PARAM_SLOTS];
static uint32_t param_count;
static uint64_t fifo[12];
static unsigned fifo_fill;
static uint64_t int_raw, int_mask, fifo_threshold, fifo_ctrl, eight_bit_mode;
static unsigned long busy_reads; /* interrupt_status reads left until the running layer is done */
static uint64_t done_bits;       /* what the running layer raises when done */
static kpu_model_stats_t stats;

kpu_model_stats_t kpu_model_stats(void) { return stats; }

const uint8_t *eg_kpu_host_ram(void) { return ram; }

/* The device driver's eg_kpu_frame on the host: the model's RAM stands for the KPU RAM window. */
uint8_t *eg_kpu_frame(uint32_t offset) { return offset < KPU_SIM_RAM_BYTES ? ram + offset : NULL; }

uint32_t eg_kpu_bus_address(const void *table) {
  uint32_t i;
  for (i = 0; i < param_count; i++)
    if (params[i] == table) break;
  if (i == param_count) {
    if (param_count == PARAM_SLOTS) return 0;
    params[param_count++] = table;
  }
  return (uint32_t)(EG_K210_SRAM_UNCACHED + (uint64_t)PARAM_STRIDE * (i + 1u));
}

static const void *param_at(uint64_t bus) {
  uint64_t off = bus - EG_K210_SRAM_UNCACHED;
  if (bus < EG_K210_SRAM_UNCACHED + PARAM_STRIDE || off % PARAM_STRIDE != 0 || off / PARAM_STRIDE > param_count) return NULL;
  return params[off / PARAM_STRIDE - 1u];
}

static unsigned long latency(void) {
  const char *text = getenv("EG_KPU_MODEL_LATENCY");
  return text == NULL ? 3ul : strtoul(text, NULL, 10);
}

static void fail_layer(int status) {
  stats.layers_failed++;
  stats.last_failure = status;
}

/* The 12 words are in: decode them as the hardware would and compute the layer into RAM. */
static void start_layer(void) {
  kpu_sim_layer_t layer;
  kpu_sim_status_t st;
  uint8_t *scratch;
  layer.regs = fifo;
  layer.bn = (const uint64_t *)param_at(fifo[4] >> 32);
  layer.weights = (const uint8_t *)param_at(fifo[5] >> 32);
  layer.act = (const uint64_t *)param_at(fifo[7] >> 32);
  layer.weight_bits = (eight_bit_mode & 1u) != 0 ? 8 : 16;
  if ((fifo[11] & 1u) != 0) stats.fifo_output++;
  busy_reads = latency();
  done_bits = 0;
  if (layer.bn == NULL || layer.weights == NULL || layer.act == NULL) {
    fail_layer(KPU_MODEL_BAD_PARAMETERS);
    return;
  }
  scratch = (uint8_t *)malloc(kpu_sim_scratch_bytes(fifo) + 1u);
  if (scratch == NULL) {
    fail_layer(KPU_MODEL_BAD_PARAMETERS);
    return;
  }
  st = kpu_sim_run(ram, &layer, 1u, NULL, scratch, NULL);
  free(scratch);
  if (st != KPU_SIM_OK) {
    fail_layer((int)st);
    return;
  }
  stats.layers_run++;
  done_bits = (fifo[0] & 1u) != 0 ? EG_KPU_INT_CALC_DONE : 0; /* int_en */
  if (busy_reads == 0) int_raw |= done_bits;
}

/* One interrupt_status read: time passes for the running layer. */
static uint64_t read_status(void) {
  if (busy_reads > 0 && --busy_reads == 0) int_raw |= done_bits;
  return int_raw & ~int_mask;
}

static int in_ram(uint64_t addr) {
  return addr >= EG_KPU_RAM_WINDOW && addr + 8u <= EG_KPU_RAM_WINDOW + EG_KPU_RAM_WINDOW_BYTES;
}

uint64_t eg_mmio_read64(uint64_t addr) {
  if (in_ram(addr)) {
    uint64_t v = 0;
    unsigned k;
    if (busy_reads > 0) stats.ram_while_busy++;
    for (k = 0; k < 8u; k++) v |= (uint64_t)ram[addr - EG_KPU_RAM_WINDOW + k] << (8u * k);
    return v;
  }
  switch (addr) {
    case EG_KPU_REG_INT_STATUS: return read_status();
    case EG_KPU_REG_INT_RAW: return int_raw;
    case EG_KPU_REG_INT_MASK: return int_mask;
    case EG_KPU_REG_FIFO_THRESHOLD: return fifo_threshold;
    case EG_KPU_REG_FIFO_CTRL: return fifo_ctrl;
    case EG_KPU_REG_EIGHT_BIT_MODE: return eight_bit_mode;
    default: stats.unknown_accesses++; return 0;
  }
}

void eg_mmio_write64(uint64_t addr, uint64_t value) {
  if (in_ram(addr)) {
    unsigned k;
    if (busy_reads > 0) stats.ram_while_busy++;
    for (k = 0; k < 8u; k++) ram[addr - EG_KPU_RAM_WINDOW + k] = (uint8_t)(value >> (8u * k));
    return;
  }
  switch (addr) {
    case EG_KPU_REG_LAYER_FIFO:
      if (busy_reads > 0) stats.fifo_while_busy++;
      fifo[fifo_fill++] = value;
      if (fifo_fill == 12u) {
        fifo_fill = 0;
        start_layer();
      }
      return;
    case EG_KPU_REG_INT_CLEAR: int_raw &= ~(value & EG_KPU_INT_ALL); return;
    case EG_KPU_REG_INT_MASK: int_mask = value & EG_KPU_INT_ALL; return;
    case EG_KPU_REG_FIFO_THRESHOLD: fifo_threshold = value; return;
    case EG_KPU_REG_FIFO_CTRL: fifo_ctrl = value; return;
    case EG_KPU_REG_EIGHT_BIT_MODE: eight_bit_mode = value; return;
    default: stats.unknown_accesses++; return;
  }
}
