/*
 * Per-op profiling hooks for model_profile.c (included with -include by `make profile`): counter
 * ticks spent in each kernel call, summed over every inference of the run, and the slot of every
 * call in run order (a patch chain calls a slot many times), so that the egret-cycles plugin's
 * marks, which carry no slot, can be put in their rows. The runner prints both.
 */
#ifndef EGRET_PROFILE_H_
#define EGRET_PROFILE_H_

#include <stdint.h>

#include "counter.h"

/* Kernel calls recorded; later calls are counted in the last slot (the bench passes the model's count). */
#ifndef EG_PROFILE_MAX_OPS
#define EG_PROFILE_MAX_OPS 1024
#endif

/* Calls whose slot is kept (the first ones of the run: the runner prints one inference's). */
#ifndef EG_PROFILE_MAX_CALLS
#define EG_PROFILE_MAX_CALLS 4096
#endif

extern uint32_t eg_profile_ticks[EG_PROFILE_MAX_OPS];
extern int32_t eg_profile_calls[EG_PROFILE_MAX_CALLS];
extern uint32_t eg_profile_call_count;
extern uint32_t eg_profile_start;
extern int32_t eg_profile_ops;

#define EGRET_PROFILE_BEGIN(op) eg_profile_begin(op)
#define EGRET_PROFILE_END(op) eg_profile_end((op), eg_counter_mark())

static inline int32_t eg_profile_slot(int32_t op) { return op < EG_PROFILE_MAX_OPS ? op : EG_PROFILE_MAX_OPS - 1; }

/* The slot is noted before the mark, so its instructions are outside the call's window. */
static inline void eg_profile_begin(int32_t op) {
  if (eg_profile_call_count < EG_PROFILE_MAX_CALLS) eg_profile_calls[eg_profile_call_count] = eg_profile_slot(op);
  eg_profile_call_count++;
  eg_profile_start = eg_counter_mark();
}

static inline void eg_profile_end(int32_t op, uint32_t now) {
  const int32_t slot = eg_profile_slot(op);
  eg_profile_ticks[slot] += now - eg_profile_start;
  if (slot >= eg_profile_ops) eg_profile_ops = slot + 1;
}

#endif /* EGRET_PROFILE_H_ */
