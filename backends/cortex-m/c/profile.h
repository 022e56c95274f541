/*
 * Per-op profiling hooks for model_profile.c (included with -include by `make profile`): counter
 * ticks spent in each kernel call, summed over every inference of the run. The runner prints them.
 */
#ifndef EGRET_PROFILE_H_
#define EGRET_PROFILE_H_

#include <stdint.h>

#include "counter.h"

/* Kernel calls recorded; later calls are counted in the last slot (the bench passes the model's count). */
#ifndef EG_PROFILE_MAX_OPS
#define EG_PROFILE_MAX_OPS 1024
#endif

extern uint32_t eg_profile_ticks[EG_PROFILE_MAX_OPS];
extern uint32_t eg_profile_start;
extern int32_t eg_profile_ops;

#define EGRET_PROFILE_BEGIN(op) (eg_profile_start = eg_counter_read())
#define EGRET_PROFILE_END(op) eg_profile_end((op), eg_counter_read())

static inline void eg_profile_end(int32_t op, uint32_t now) {
  const int32_t slot = op < EG_PROFILE_MAX_OPS ? op : EG_PROFILE_MAX_OPS - 1;
  eg_profile_ticks[slot] += now - eg_profile_start;
  if (slot >= eg_profile_ops) eg_profile_ops = slot + 1;
}

#endif /* EGRET_PROFILE_H_ */
