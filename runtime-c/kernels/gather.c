#include "gather.h"

#include <string.h>

/* Normalises a possibly negative index; returns -1 when it is out of range. */
static int32_t eg_norm_index(int64_t i, int32_t len) {
  if (i < 0) i += len;
  return (i >= 0 && i < len) ? (int32_t)i : -1;
}

static void eg_gather_slice(const uint8_t *x, uint8_t *y, int32_t o, int32_t j, int32_t at,
                             int32_t axis_len, int32_t n_idx, int32_t inner, int32_t elem_bytes) {
  const size_t slice = (size_t)inner * (size_t)elem_bytes;
  uint8_t *dst = y + ((size_t)o * (size_t)n_idx + (size_t)j) * slice;
  if (at < 0) {
    memset(dst, 0, slice);
  } else {
    memcpy(dst, x + ((size_t)o * (size_t)axis_len + (size_t)at) * slice, slice);
  }
}

void eg_gather_i64(const void *x, void *y, const int64_t *idx, int32_t outer, int32_t axis_len,
                   int32_t n_idx, int32_t inner, int32_t elem_bytes) {
  int32_t o, j;
  for (o = 0; o < outer; o++) {
    for (j = 0; j < n_idx; j++) {
      eg_gather_slice((const uint8_t *)x, (uint8_t *)y, o, j, eg_norm_index(idx[j], axis_len),
                       axis_len, n_idx, inner, elem_bytes);
    }
  }
}

void eg_gather_i32(const void *x, void *y, const int32_t *idx, int32_t outer, int32_t axis_len,
                   int32_t n_idx, int32_t inner, int32_t elem_bytes) {
  int32_t o, j;
  for (o = 0; o < outer; o++) {
    for (j = 0; j < n_idx; j++) {
      eg_gather_slice((const uint8_t *)x, (uint8_t *)y, o, j, eg_norm_index(idx[j], axis_len),
                       axis_len, n_idx, inner, elem_bytes);
    }
  }
}

/* One GatherElements output element: p is its flat index, pos its coordinates in idx's shape. */
static void eg_gather_element(const uint8_t *x, uint8_t *y, int32_t p, const int32_t *pos,
                              int32_t at, int32_t rank, int32_t axis, const int32_t *x_strides,
                              int32_t elem_bytes) {
  uint8_t *dst = y + (size_t)p * (size_t)elem_bytes;
  size_t off = 0;
  int32_t d;
  if (at < 0) {
    memset(dst, 0, (size_t)elem_bytes);
    return;
  }
  for (d = 0; d < rank; d++) off += (size_t)(d == axis ? at : pos[d]) * (size_t)x_strides[d];
  memcpy(dst, x + off * (size_t)elem_bytes, (size_t)elem_bytes);
}

/* Advances the row-major coordinates pos within dims by one. */
static void eg_next_position(int32_t *pos, const int32_t *dims, int32_t rank) {
  int32_t d;
  for (d = rank - 1; d >= 0; d--) {
    if (++pos[d] < dims[d]) return;
    pos[d] = 0;
  }
}

static int32_t eg_count(const int32_t *dims, int32_t rank) {
  int32_t n = 1, d;
  for (d = 0; d < rank; d++) n *= dims[d];
  return n;
}

void eg_gather_elements_i64(const void *x, void *y, const int64_t *idx, int32_t rank, int32_t axis,
                            const int32_t *idx_dims, const int32_t *x_strides, int32_t x_axis_len,
                            int32_t elem_bytes) {
  int32_t pos[EG_MAX_RANK] = {0};
  const int32_t n = eg_count(idx_dims, rank);
  int32_t p;
  for (p = 0; p < n; p++) {
    eg_gather_element((const uint8_t *)x, (uint8_t *)y, p, pos, eg_norm_index(idx[p], x_axis_len),
                      rank, axis, x_strides, elem_bytes);
    eg_next_position(pos, idx_dims, rank);
  }
}

void eg_gather_elements_i32(const void *x, void *y, const int32_t *idx, int32_t rank, int32_t axis,
                            const int32_t *idx_dims, const int32_t *x_strides, int32_t x_axis_len,
                            int32_t elem_bytes) {
  int32_t pos[EG_MAX_RANK] = {0};
  const int32_t n = eg_count(idx_dims, rank);
  int32_t p;
  for (p = 0; p < n; p++) {
    eg_gather_element((const uint8_t *)x, (uint8_t *)y, p, pos, eg_norm_index(idx[p], x_axis_len),
                      rank, axis, x_strides, elem_bytes);
    eg_next_position(pos, idx_dims, rank);
  }
}
