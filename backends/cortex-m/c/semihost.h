/*
 * Arm semihosting (the `BKPT 0xAB` monitor calls that QEMU's -semihosting implements): file I/O on
 * the host, console output, the command line and exit status. Harness only: an application on a
 * real board replaces this file with its own I/O.
 */
#ifndef EGRET_SEMIHOST_H_
#define EGRET_SEMIHOST_H_

#include <stddef.h>
#include <stdint.h>

/* Opens a host file; mode 1 = "rb", 5 = "wb". Returns a handle, or -1. */
int32_t sh_open(const char *path, uint32_t mode);
int32_t sh_close(int32_t handle);
/* Bytes NOT transferred (0 = all). */
uint32_t sh_read(int32_t handle, void *dst, uint32_t bytes);
uint32_t sh_write(int32_t handle, const void *src, uint32_t bytes);
/* Length of an open file in bytes, or -1. */
int32_t sh_flen(int32_t handle);
/* Writes a NUL-terminated string to the host console. */
void sh_puts(const char *text);
/* Copies the command line (`-semihosting-config arg=...`) into buf; 0 on success. */
int32_t sh_cmdline(char *buf, uint32_t size);
/* Ends the QEMU run with this exit status. */
void sh_exit(int32_t status) __attribute__((noreturn));

#endif /* EGRET_SEMIHOST_H_ */
