#ifndef EGRET_KPU_LAYOUT_H_
#define EGRET_KPU_LAYOUT_H_
/*
 * Where a feature map's bytes sit in KPU RAM (K210-KPU.md section 1.3): 64-byte lines; maps of
 * width <= 16 share a line between 4 channels (16-byte slots), <= 32 between 2 (32-byte slots),
 * wider rows take ceil(W / 64) whole lines. Pure arithmetic, no libc: the host simulator and the
 * bare-metal device driver (kpu_device.c) both use it, so they agree on every address.
 */
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t groups;        /* channels sharing a line (coef_group / wb_group) */
  uint32_t pitch;         /* bytes per channel slot in a line */
  uint32_t lines_per_row; /* row_switch_addr / wb_row_switch_addr */
} kpu_row_layout_t;

kpu_row_layout_t kpu_row_layout(uint32_t width);

/* Lines a C x H x W map occupies in KPU RAM. */
uint32_t kpu_sim_map_lines(uint32_t width, uint32_t height, uint32_t channels);
/*
 * Byte offset in KPU RAM of row y of channel c of a map at base line `line`; the row's `width`
 * bytes follow. Always a multiple of 8 (lines are 64 bytes, slots 16, 32 or 64).
 */
size_t kpu_sim_row_offset(uint32_t line, uint32_t width, uint32_t height, uint32_t c, uint32_t y);

#endif
