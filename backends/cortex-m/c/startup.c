/*
 * Reset and fault handling for QEMU's MPS2 boards (mps2-an385/an386/an500): the vector table at
 * address 0, .data copied from flash, .bss zeroed, the FPU enabled when the build uses it, then
 * main(); its return value becomes QEMU's exit status. A fault prints its name and exits 3.
 */
#include <stdint.h>

#include "semihost.h"

extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);

void eg_reset_handler(void) __attribute__((noreturn));
static void eg_fault_handler(void) __attribute__((noreturn));

/* Cortex-M vector table: initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault. */
__attribute__((section(".vectors"), used)) static void (*const eg_vectors[7])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top, eg_reset_handler, eg_fault_handler, eg_fault_handler,
    eg_fault_handler, eg_fault_handler, eg_fault_handler,
};

void eg_reset_handler(void) {
  const uint32_t *src = &__data_load;
  uint32_t *dst;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10/CP11 (the FPU) before any floating-point instruction. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  sh_exit(main());
}

static void eg_fault_handler(void) {
  sh_puts("egret: fault (HardFault/MemManage/BusFault/UsageFault) on the target\n");
  sh_exit(3);
}
