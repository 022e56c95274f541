#include "tile_scalar_f32.h"

/* Sixteen VMLA.F32: accumulator s(16 + 4r + j) += s(A + r) * s(B + j) (A = 0: one scalar for all rows). */
#define EG_VMLA_ROW(d0, d1, d2, d3, a, b0, b1, b2, b3) \
  "vmla.f32 s" d0 ", s" a ", s" b0 "\n\t"               \
  "vmla.f32 s" d1 ", s" a ", s" b1 "\n\t"               \
  "vmla.f32 s" d2 ", s" a ", s" b2 "\n\t"               \
  "vmla.f32 s" d3 ", s" a ", s" b3 "\n\t"

/*
 * The loop every kernel below runs: load the accumulators `regs` from acc, run `body` `count`
 * times (count > 0), store the accumulators back.
 */
#define EG_VFP_LOOP(regs, count, body) \
  "vldmia %[acc], {" regs "}\n\t"     \
  "1:\n\t" body                        \
  "subs %[" count "], %[" count "], #1\n\t" \
  "bne 1b\n\t"                          \
  "vstmia %[acc], {" regs "}\n\t"

/* pb = b + the next offset (in floats) of off[]. */
#define EG_VFP_NEXT_TAP \
  "ldr %[pb], [%[off]], #4\n\t" \
  "add %[pb], %[b], %[pb], lsl #2\n\t"

#define EG_VFP_LOW "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"
#define EG_VFP_MID "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15"
#define EG_VFP_HIGH "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31"

static void zero(float *acc, int32_t n) {
  int32_t i;
  for (i = 0; i < n; i++) acc[i] = 0.0f;
}

#if EG_F32_VFP

void eg_f32_dot4x4(int32_t K, const float *a, const float *b, const int32_t *off, float acc[16]) {
  const float *pb;
  zero(acc, 16);
  if (K <= 0) return;
  /* Per k: offset load and address, two VLDM of 4, 16 VMLA, loop: 22 instructions for 16 MACs. */
  __asm__ volatile(
      EG_VFP_LOOP("s16-s31", "k",
                  EG_VFP_NEXT_TAP
                  "vldmia %[a]!, {s0-s3}\n\t"
                  "vldmia %[pb], {s4-s7}\n\t"
                  EG_VMLA_ROW("16", "17", "18", "19", "0", "4", "5", "6", "7")
                  EG_VMLA_ROW("20", "21", "22", "23", "1", "4", "5", "6", "7")
                  EG_VMLA_ROW("24", "25", "26", "27", "2", "4", "5", "6", "7")
                  EG_VMLA_ROW("28", "29", "30", "31", "3", "4", "5", "6", "7"))
      : [a] "+r"(a), [off] "+r"(off), [k] "+r"(K), [pb] "=&r"(pb)
      : [b] "r"(b), [acc] "r"(acc)
      : EG_VFP_LOW, EG_VFP_HIGH, "cc", "memory");
}

void eg_f32_dot1x8(int32_t K, const float *a, const float *panel, float acc[8]) {
  zero(acc, 8);
  if (K <= 0) return;
  /* Per k: two VLDM, 8 VMLA, loop: 12 instructions for 8 MACs. */
  __asm__ volatile(
      EG_VFP_LOOP("s16-s23", "k",
                  "vldmia %[a]!, {s0}\n\t"
                  "vldmia %[p]!, {s8-s15}\n\t"
                  EG_VMLA_ROW("16", "17", "18", "19", "0", "8", "9", "10", "11")
                  EG_VMLA_ROW("20", "21", "22", "23", "0", "12", "13", "14", "15"))
      : [a] "+r"(a), [p] "+r"(panel), [k] "+r"(K)
      : [acc] "r"(acc)
      : "s0", EG_VFP_MID, "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
}

void eg_f32_dw4x4(int32_t taps, const float *w, const float *b, int32_t rstep, const int32_t *off, float acc[16]) {
  const float *pb;
  const int32_t step = rstep * 4;
  zero(acc, 16);
  if (taps <= 0) return;
  /* Per tap: offset, weight, four rows of 4 (VLDM, then 4 VMLA each), loop: 28 instructions for 16 MACs. */
  __asm__ volatile(
      EG_VFP_LOOP("s16-s31", "t",
                  EG_VFP_NEXT_TAP
                  "vldmia %[w]!, {s0}\n\t"
                  "vldmia %[pb], {s4-s7}\n\t"
                  "add %[pb], %[pb], %[step]\n\t"
                  "vldmia %[pb], {s8-s11}\n\t"
                  "add %[pb], %[pb], %[step]\n\t"
                  EG_VMLA_ROW("16", "17", "18", "19", "0", "4", "5", "6", "7")
                  EG_VMLA_ROW("20", "21", "22", "23", "0", "8", "9", "10", "11")
                  "vldmia %[pb], {s4-s7}\n\t"
                  "add %[pb], %[pb], %[step]\n\t"
                  "vldmia %[pb], {s8-s11}\n\t"
                  EG_VMLA_ROW("24", "25", "26", "27", "0", "4", "5", "6", "7")
                  EG_VMLA_ROW("28", "29", "30", "31", "0", "8", "9", "10", "11"))
      : [w] "+r"(w), [off] "+r"(off), [t] "+r"(taps), [pb] "=&r"(pb)
      : [b] "r"(b), [step] "r"(step), [acc] "r"(acc)
      : "s0", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", EG_VFP_HIGH, "cc", "memory");
}

#else

/* One scalar per accumulator: compilers keep them in registers (an array would stay in memory). */
void eg_f32_dot4x4(int32_t K, const float *a, const float *b, const int32_t *off, float acc[16]) {
  float c00 = 0.0f, c01 = 0.0f, c02 = 0.0f, c03 = 0.0f, c10 = 0.0f, c11 = 0.0f, c12 = 0.0f, c13 = 0.0f;
  float c20 = 0.0f, c21 = 0.0f, c22 = 0.0f, c23 = 0.0f, c30 = 0.0f, c31 = 0.0f, c32 = 0.0f, c33 = 0.0f;
  int32_t k;
  for (k = 0; k < K; k++) {
    const float *ak = a + (size_t)k * 4;
    const float *bk = b + off[k];
    const float a0 = ak[0], a1 = ak[1], a2 = ak[2], a3 = ak[3];
    const float b0 = bk[0], b1 = bk[1], b2 = bk[2], b3 = bk[3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  acc[0] = c00; acc[1] = c01; acc[2] = c02; acc[3] = c03;
  acc[4] = c10; acc[5] = c11; acc[6] = c12; acc[7] = c13;
  acc[8] = c20; acc[9] = c21; acc[10] = c22; acc[11] = c23;
  acc[12] = c30; acc[13] = c31; acc[14] = c32; acc[15] = c33;
}

void eg_f32_dot1x8(int32_t K, const float *a, const float *panel, float acc[8]) {
  float c0 = 0.0f, c1 = 0.0f, c2 = 0.0f, c3 = 0.0f, c4 = 0.0f, c5 = 0.0f, c6 = 0.0f, c7 = 0.0f;
  int32_t k;
  for (k = 0; k < K; k++) {
    const float av = a[k];
    const float *p = panel + (size_t)k * 8;
    c0 += av * p[0]; c1 += av * p[1]; c2 += av * p[2]; c3 += av * p[3];
    c4 += av * p[4]; c5 += av * p[5]; c6 += av * p[6]; c7 += av * p[7];
  }
  acc[0] = c0; acc[1] = c1; acc[2] = c2; acc[3] = c3;
  acc[4] = c4; acc[5] = c5; acc[6] = c6; acc[7] = c7;
}

void eg_f32_dw4x4(int32_t taps, const float *w, const float *b, int32_t rstep, const int32_t *off, float acc[16]) {
  int32_t r;
  zero(acc, 16);
  /* Row by row: 4 accumulators and one weight at a time fit the smallest register files. */
  for (r = 0; r < 4; r++) {
    float c0 = 0.0f, c1 = 0.0f, c2 = 0.0f, c3 = 0.0f;
    int32_t t;
    for (t = 0; t < taps; t++) {
      const float wv = w[t];
      const float *bt = b + (size_t)r * rstep + off[t];
      c0 += wv * bt[0]; c1 += wv * bt[1]; c2 += wv * bt[2]; c3 += wv * bt[3];
    }
    acc[4 * r] = c0; acc[4 * r + 1] = c1; acc[4 * r + 2] = c2; acc[4 * r + 3] = c3;
  }
}

#endif
