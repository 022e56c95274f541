#include "qsvdf_i8.h"

#include <string.h>

#include "qfixed_i8.h"

/* The two state types share one body; T is the state / weights_time element type. */
#define EG_QSVDF_STATE(NAME, T, TMIN, TMAX)                                                          \
  void NAME(const int8_t *x, const int8_t *w, T *state, T *out, const int32_t *p) {                  \
    const int32_t batch = p[0], depth = p[1], filters = p[2], memory = p[3];                         \
    const int32_t total = batch * filters * memory;                                                  \
    int32_t b, f, c;                                                                                 \
    memmove(state, state + 1, (size_t)(total - 1) * sizeof(T));                                      \
    for (b = 0; b < batch; b++) {                                                                    \
      for (f = 0; f < filters; f++) {                                                                \
        const int8_t *wr = w + f * depth;                                                            \
        const int8_t *xr = x + b * depth;                                                            \
        int32_t dot = 0;                                                                             \
        for (c = 0; c < depth; c++) dot = eg_q_wrap_add(dot, (int32_t)wr[c] * ((int32_t)xr[c] - p[4])); \
        dot = eg_q_wrap_add(eg_q_mul(dot, p[6], p[7]), p[5]);                                        \
        state[(b * filters + f) * memory + memory - 1] = (T)eg_q_clamp(dot, TMIN, TMAX);             \
      }                                                                                              \
    }                                                                                                \
    memcpy(out, state, (size_t)total * sizeof(T));                                                   \
  }

#define EG_QSVDF_OUTPUT(NAME, T)                                                                     \
  void NAME(const T *s, const T *wt, const int32_t *bias, int8_t *y, const int32_t *p) {             \
    const int32_t batch = p[0], filters = p[1], memory = p[2], rank = p[3];                          \
    const int32_t units = filters / rank;                                                            \
    int32_t b, u, r, j;                                                                              \
    for (b = 0; b < batch; b++) {                                                                    \
      for (u = 0; u < units; u++) {                                                                  \
        int32_t acc = bias ? bias[u] : 0;                                                            \
        for (r = 0; r < rank; r++) {                                                                 \
          const int32_t f = u * rank + r;                                                            \
          const T *wr = wt + f * memory;                                                             \
          const T *sr = s + (b * filters + f) * memory;                                              \
          int32_t dot = 0;                                                                           \
          for (j = 0; j < memory; j++) dot = eg_q_wrap_add(dot, (int32_t)wr[j] * ((int32_t)sr[j] - p[4])); \
          acc = eg_q_wrap_add(acc, dot);                                                             \
        }                                                                                            \
        y[b * units + u] = (int8_t)eg_q_clamp(eg_q_wrap_add(eg_q_mul(acc, p[6], p[7]), p[5]), -128, 127); \
      }                                                                                              \
    }                                                                                                \
  }

EG_QSVDF_STATE(eg_qsvdf_state_i16, int16_t, -32768, 32767)
EG_QSVDF_STATE(eg_qsvdf_state_i8, int8_t, -128, 127)
EG_QSVDF_OUTPUT(eg_qsvdf_output_i16, int16_t)
EG_QSVDF_OUTPUT(eg_qsvdf_output_i8, int8_t)
