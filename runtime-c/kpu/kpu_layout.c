#include "kpu_layout.h"

kpu_row_layout_t kpu_row_layout(uint32_t width) {
  kpu_row_layout_t r;
  if (width <= 16) { r.groups = 4; r.pitch = 16; r.lines_per_row = 1; }
  else if (width <= 32) { r.groups = 2; r.pitch = 32; r.lines_per_row = 1; }
  else { r.groups = 1; r.pitch = 64; r.lines_per_row = (width + 63u) / 64u; }
  return r;
}

uint32_t kpu_sim_map_lines(uint32_t width, uint32_t height, uint32_t channels) {
  kpu_row_layout_t r = kpu_row_layout(width);
  uint32_t g = channels < r.groups ? channels : r.groups;
  return r.lines_per_row * height * ((channels + g - 1u) / g);
}

size_t kpu_sim_row_offset(uint32_t line, uint32_t width, uint32_t height, uint32_t c, uint32_t y) {
  kpu_row_layout_t r = kpu_row_layout(width);
  return (size_t)64u * (line + (c / r.groups) * r.lines_per_row * height + y * r.lines_per_row) + (c % r.groups) * r.pitch;
}
