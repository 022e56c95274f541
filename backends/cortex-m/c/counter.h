/*
 * The instruction counter of a QEMU run. Under `-icount shift=0` QEMU advances its virtual clock by
 * exactly 1 ns per executed instruction; the MPS2 FPGAIO COUNTER register (0x40028018, a 32-bit up
 * counter of the 25 MHz board clock) therefore advances once per 40 instructions. QEMU does not
 * model the DWT cycle counter (CYCCNT reads 0). On hardware, replace this with DWT->CYCCNT.
 */
#ifndef EGRET_COUNTER_H_
#define EGRET_COUNTER_H_

#include <stdint.h>

#define EG_COUNTER_ADDRESS 0x40028018u
/* Instructions per counter tick under -icount shift=0 (1 ns per instruction, 25 MHz counter). */
#define EG_INSNS_PER_TICK 40u

static inline uint32_t eg_counter_read(void) { return *(volatile const uint32_t *)EG_COUNTER_ADDRESS; }

/*
 * The window marker (runner.c defines it): an out-of-line call whose entry PC the egret-cycles QEMU
 * plugin recognises. Windows marked by that PC hold exact instruction counts that depend only on
 * the instructions executed, not on the counter's device read or on the host's timing.
 */
void eg_mark(void);

/* A window edge: the marker, then the counter (the ticks the runner prints, as on hardware). */
static inline uint32_t eg_counter_mark(void) {
  eg_mark();
  return eg_counter_read();
}

#endif /* EGRET_COUNTER_H_ */
