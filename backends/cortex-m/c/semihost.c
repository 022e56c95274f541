/* Arm semihosting calls (operation numbers from the Arm semihosting specification v2). */
#include "semihost.h"

#include <string.h>

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE0 = 0x04,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_FLEN = 0x0C,
  SYS_GET_CMDLINE = 0x15,
  SYS_EXIT_EXTENDED = 0x20
};

/* The monitor call: operation in r0, argument (block pointer) in r1, result in r0. */
static int32_t semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

int32_t sh_open(const char *path, uint32_t mode) {
  const uint32_t block[3] = {(uint32_t)(uintptr_t)path, mode, (uint32_t)strlen(path)};
  return semihost(SYS_OPEN, block);
}

int32_t sh_close(int32_t handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  return semihost(SYS_CLOSE, block);
}

uint32_t sh_read(int32_t handle, void *dst, uint32_t bytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)dst, bytes};
  return (uint32_t)semihost(SYS_READ, block);
}

uint32_t sh_write(int32_t handle, const void *src, uint32_t bytes) {
  const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)src, bytes};
  return (uint32_t)semihost(SYS_WRITE, block);
}

int32_t sh_flen(int32_t handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  return semihost(SYS_FLEN, block);
}

void sh_puts(const char *text) { (void)semihost(SYS_WRITE0, text); }

int32_t sh_cmdline(char *buf, uint32_t size) {
  uint32_t block[2];
  block[0] = (uint32_t)(uintptr_t)buf;
  block[1] = size;
  return semihost(SYS_GET_CMDLINE, block);
}

void sh_exit(int32_t status) {
  /* ADP_Stopped_ApplicationExit with a status: QEMU exits with that status. */
  const uint32_t block[2] = {0x20026u, (uint32_t)status};
  (void)semihost(SYS_EXIT_EXTENDED, block);
  for (;;) {
  }
}
