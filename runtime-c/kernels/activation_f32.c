#include "activation_f32.h"

void eg_relu_f32(const float *x, float *y, int32_t n) {
  int32_t i;
  for (i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
