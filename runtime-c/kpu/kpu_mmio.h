#ifndef EGRET_KPU_MMIO_H_
#define EGRET_KPU_MMIO_H_
/*
 * The device KPU driver's only way to the hardware: 64-bit loads and stores at K210 physical
 * addresses, and the address the KPU sees for a parameter table. Every KPU control register is
 * 64 bits wide and the SDK accesses KPU RAM in 64-bit words, so 64-bit accesses are all the
 * driver needs (K210-KPU.md sections 1.1, 1.2).
 *   - On the K210 (default): volatile accesses, inlined.
 *   - With EG_KPU_MMIO_MODEL (host tests): plain functions that kpu_model.c implements, a
 *     register-level model of the KPU built on the simulator. The driver code is the same.
 */
#include <stdint.h>

/* Control registers (section 1.2): base AI_BASE_ADDR, all 64-bit. */
#define EG_KPU_REG_BASE UINT64_C(0x40800000)
#define EG_KPU_REG_LAYER_FIFO (EG_KPU_REG_BASE + 0x00u)     /* write-only: the 12 layer words, in order */
#define EG_KPU_REG_INT_STATUS (EG_KPU_REG_BASE + 0x08u)
#define EG_KPU_REG_INT_RAW (EG_KPU_REG_BASE + 0x10u)
#define EG_KPU_REG_INT_MASK (EG_KPU_REG_BASE + 0x18u)       /* 1 = masked */
#define EG_KPU_REG_INT_CLEAR (EG_KPU_REG_BASE + 0x20u)      /* write 1 to clear */
#define EG_KPU_REG_FIFO_THRESHOLD (EG_KPU_REG_BASE + 0x28u) /* [3:0] full, [7:4] empty */
#define EG_KPU_REG_FIFO_DATA_OUT (EG_KPU_REG_BASE + 0x30u)
#define EG_KPU_REG_FIFO_CTRL (EG_KPU_REG_BASE + 0x38u)
#define EG_KPU_REG_EIGHT_BIT_MODE (EG_KPU_REG_BASE + 0x40u) /* 1 = 8-bit weights */
#define EG_KPU_REG_END (EG_KPU_REG_BASE + 0x48u)

/* Interrupt bits of status/raw/mask/clear. */
#define EG_KPU_INT_CALC_DONE 1u
#define EG_KPU_INT_ALMOST_EMPTY 2u
#define EG_KPU_INT_ALMOST_FULL 4u
#define EG_KPU_INT_ALL 7u

/* The KPU's 2 MiB RAM through its uncached alias (section 1.1): byte 64*line + k of the map space. */
#define EG_KPU_RAM_WINDOW UINT64_C(0x40600000)
#define EG_KPU_RAM_WINDOW_BYTES UINT64_C(0x200000)

/* Main SRAM: cached at 0x80000000, uncached alias at 0x40000000, 6 MiB (section 1.1). */
#define EG_K210_SRAM_CACHED UINT64_C(0x80000000)
#define EG_K210_SRAM_UNCACHED UINT64_C(0x40000000)
#define EG_K210_SRAM_BYTES UINT64_C(0x600000)

#ifdef EG_KPU_MMIO_MODEL
uint64_t eg_mmio_read64(uint64_t addr);
void eg_mmio_write64(uint64_t addr, uint64_t value);
/* The 32-bit address the KPU reads a parameter table at, or 0 if it cannot reach `table`. */
uint32_t eg_kpu_bus_address(const void *table);
#else
static inline uint64_t eg_mmio_read64(uint64_t addr) { return *(volatile const uint64_t *)(uintptr_t)addr; }
static inline void eg_mmio_write64(uint64_t addr, uint64_t value) { *(volatile uint64_t *)(uintptr_t)addr = value; }
/*
 * Register address fields hold the uncached alias of the parameter bytes (cached address minus
 * 0x40000000, section 1.1). Tables outside the main SRAM (e.g. in flash) are out of the KPU's
 * reach: 0. The bytes must be in SRAM, not only in the D-cache: the SDK copies its model to the
 * uncached alias first; static tables loaded with the firmware image are [UNVERIFIED] on silicon.
 */
static inline uint32_t eg_kpu_bus_address(const void *table) {
  uint64_t a = (uint64_t)(uintptr_t)table;
  if (a >= EG_K210_SRAM_CACHED && a < EG_K210_SRAM_CACHED + EG_K210_SRAM_BYTES) return (uint32_t)(a - EG_K210_SRAM_UNCACHED);
  if (a >= EG_K210_SRAM_UNCACHED && a < EG_K210_SRAM_UNCACHED + EG_K210_SRAM_BYTES) return (uint32_t)a;
  return 0;
}
#endif

#endif
