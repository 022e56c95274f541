/*
 * Egret runtime: shared definitions for the generated model and its kernels.
 * Invariants for every kernel in runtime-c/kernels: no malloc, no global state, no I/O; all memory
 * comes from the caller (inputs, outputs, the arena); sizes are int32_t element counts.
 */
#ifndef EGRET_H_
#define EGRET_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define EG_RESTRICT restrict
#else
#define EG_RESTRICT
#endif

/* Largest tensor rank the generic (shape-driven) kernels accept. */
#define EG_MAX_RANK 8

#endif /* EGRET_H_ */
