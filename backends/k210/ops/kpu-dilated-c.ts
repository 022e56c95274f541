/**
 * The C helper of `KpuDilatedConv2D` (kpu-dilated-conv2d.ts), defined once in model.c: runs the d²
 * phase layers of a dilated 3×3 conv, gathering phase (r, s) = x[c][i·d + r][j·d + s] into the
 * scratch (0.0f, or the byte of 0.0 for a uint8 map, past the map's end: the expansion's Pad),
 * calling the KPU driver on it as a chain of one, and scattering its output pixel (i, j) to
 * y[o][i·d + r][j·d + s] where that lies inside the map (the expansion's interleave and crop).
 * The driver quantises, runs and dequantises exactly as for the expansion's phase layers, so the
 * output bytes are the expansion's. Returns 0 or the first failing driver status.
 *
 * geom: {C, OC, H, W, d, ph, pw, bytes of the phase input in the scratch (the output map follows)}.
 */
export const KPU_DILATED_C = `/* A dilated 3x3 conv as its d*d KPU phase layers (space-to-batch): gather a phase, run it, scatter it. */
static int eg_kpu_dilated(const kpu_sim_layer_t *layer, const int32_t *geom, const void *x, int32_t x_u8, uint8_t pad_q,
                          float x_inv_scale, int32_t x_zero_point, void *y, int32_t y_u8, float y_scale, int32_t y_zero_point,
                          void *scratch) {
  const int32_t c_in = geom[0], c_out = geom[1], h = geom[2], w = geom[3], d = geom[4], ph = geom[5], pw = geom[6];
  uint8_t *phase_in = (uint8_t *)scratch;
  uint8_t *phase_out = phase_in + geom[7];
  int32_t r, s, c, i, j;
  for (r = 0; r < d; r++) {
    for (s = 0; s < d; s++) {
      int status;
      size_t k = 0;
      for (c = 0; c < c_in; c++) {
        for (i = 0; i < ph; i++) {
          for (j = 0; j < pw; j++, k++) {
            const int32_t sy = i * d + r, sx = j * d + s;
            const int inside = sy < h && sx < w;
            const size_t at = ((size_t)c * (size_t)h + (size_t)sy) * (size_t)w + (size_t)sx;
            if (x_u8) phase_in[k] = inside ? ((const uint8_t *)x)[at] : pad_q;
            else ((float *)(void *)phase_in)[k] = inside ? ((const float *)x)[at] : 0.0f;
          }
        }
      }
      if (x_u8 && y_u8) status = eg_kpu_chain_u8_to_u8(&layer, 1u, phase_in, phase_out, NULL, NULL);
      else if (x_u8) status = eg_kpu_chain_u8(&layer, 1u, phase_in, (float *)(void *)phase_out, 0, y_scale, y_zero_point, NULL, NULL);
      else if (y_u8) status = eg_kpu_chain_f32_to_u8(&layer, 1u, (const float *)(void *)phase_in, phase_out, 0, x_inv_scale, x_zero_point, NULL, NULL);
      else status = eg_kpu_chain_f32(&layer, 1u, (const float *)(void *)phase_in, (float *)(void *)phase_out, 0, x_inv_scale, x_zero_point, y_scale, y_zero_point, NULL, NULL);
      if (status != 0) return status;
      k = 0;
      for (c = 0; c < c_out; c++) {
        for (i = 0; i < ph; i++) {
          for (j = 0; j < pw; j++, k++) {
            const int32_t dy = i * d + r, dx = j * d + s;
            const size_t at = ((size_t)c * (size_t)h + (size_t)dy) * (size_t)w + (size_t)dx;
            if (dy >= h || dx >= w) continue;
            if (y_u8) ((uint8_t *)y)[at] = phase_out[k];
            else ((float *)y)[at] = ((const float *)(void *)phase_out)[k];
          }
        }
      }
    }
  }
  return 0;
}`;
