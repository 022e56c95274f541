/*
 * Batch driver for the KPU simulator, used by test/backends/k210-sim.test.ts: runs many layers
 * from one file so the C model is built and started once. All integers little-endian.
 *
 * Input file:  u32 count, then per case:
 *   u32 weight_bits, u32 batches, u32 rounding_v01, u32 inclusive_segments,
 *   u64 regs[12], u32 bn_count, u64 bn[bn_count], u64 act[18],
 *   u32 weight_bytes, u8 weights[weight_bytes], u32 input_bytes, u8 input[input_bytes]
 *   (input = batches dense C x H x W maps, uploaded to image_src_addr with the section 1.3 layout)
 * Output file: per case u32 status, u32 output_bytes, u8 output[output_bytes] (dense, downloaded
 *   from image_dst_addr after the run; output_bytes = 0 unless status is KPU_SIM_OK).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpu_sim.h"

static uint64_t read_le(FILE *f, int bytes) {
  unsigned char b[8];
  uint64_t v = 0;
  int i;
  if (fread(b, 1, (size_t)bytes, f) != (size_t)bytes) {
    fprintf(stderr, "kpu_sim_batch: truncated input\n");
    exit(2);
  }
  for (i = bytes - 1; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}

static void write_u32(FILE *f, uint32_t v) {
  unsigned char b[4];
  b[0] = (unsigned char)v; b[1] = (unsigned char)(v >> 8); b[2] = (unsigned char)(v >> 16); b[3] = (unsigned char)(v >> 24);
  fwrite(b, 1, 4, f);
}

static void *checked_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) { fprintf(stderr, "kpu_sim_batch: out of memory\n"); exit(2); }
  return p;
}

int main(int argc, char **argv) {
  FILE *in, *out;
  uint32_t count, n, i;
  uint8_t *ram;
  if (argc != 3) { fprintf(stderr, "usage: kpu_sim_batch CASES RESULTS\n"); return 2; }
  in = fopen(argv[1], "rb");
  out = fopen(argv[2], "wb");
  if (!in || !out) { fprintf(stderr, "kpu_sim_batch: cannot open files\n"); return 2; }
  ram = (uint8_t *)checked_malloc(KPU_SIM_RAM_BYTES);
  count = (uint32_t)read_le(in, 4);
  for (n = 0; n < count; n++) {
    uint64_t regs[12], act[18], *bn;
    kpu_sim_layer_t layer;
    kpu_sim_options_t opt;
    uint32_t batches, bn_count, wbytes, ibytes, ic, w, h, oc, ow, oh, in_lines, out_lines, b, obytes = 0;
    uint8_t *weights, *input, *scratch, *output = NULL;
    kpu_sim_status_t st;
    layer.weight_bits = (int)read_le(in, 4);
    batches = (uint32_t)read_le(in, 4);
    opt.rounding_v01 = (int)read_le(in, 4);
    opt.inclusive_segments = (int)read_le(in, 4);
    for (i = 0; i < 12; i++) regs[i] = read_le(in, 8);
    bn_count = (uint32_t)read_le(in, 4);
    bn = (uint64_t *)checked_malloc(sizeof(uint64_t) * bn_count);
    for (i = 0; i < bn_count; i++) bn[i] = read_le(in, 8);
    for (i = 0; i < 18; i++) act[i] = read_le(in, 8);
    wbytes = (uint32_t)read_le(in, 4);
    weights = (uint8_t *)checked_malloc(wbytes);
    if (fread(weights, 1, wbytes, in) != wbytes) { fprintf(stderr, "truncated weights\n"); return 2; }
    ibytes = (uint32_t)read_le(in, 4);
    input = (uint8_t *)checked_malloc(ibytes);
    if (fread(input, 1, ibytes, in) != ibytes) { fprintf(stderr, "truncated input\n"); return 2; }

    ic = (uint32_t)((regs[2] & 0x3ffu) + 1u);
    oc = (uint32_t)(((regs[2] >> 32) & 0x3ffu) + 1u);
    w = (uint32_t)((regs[3] & 0x3ffu) + 1u);
    h = (uint32_t)(((regs[3] >> 10) & 0x1ffu) + 1u);
    ow = (uint32_t)(((regs[3] >> 32) & 0x3ffu) + 1u);
    oh = (uint32_t)(((regs[3] >> 42) & 0x1ffu) + 1u);
    in_lines = kpu_sim_map_lines(w, h, ic);
    out_lines = kpu_sim_map_lines(ow, oh, oc);
    memset(ram, 0xA5, KPU_SIM_RAM_BYTES);
    for (b = 0; b < batches; b++) {
      uint32_t line = (uint32_t)(regs[1] & 0x7fffu) + b * in_lines;
      if (line + in_lines <= KPU_SIM_RAM_LINES && (size_t)(b + 1) * ic * h * w <= ibytes)
        kpu_sim_upload(ram, line, ic, h, w, input + (size_t)b * ic * h * w);
    }
    layer.regs = regs;
    layer.bn = bn;
    layer.act = act;
    layer.weights = weights;
    scratch = (uint8_t *)checked_malloc(kpu_sim_scratch_bytes(regs));
    st = kpu_sim_run(ram, &layer, batches, &opt, scratch, NULL);
    write_u32(out, (uint32_t)st);
    if (st == KPU_SIM_OK) {
      obytes = batches * oc * oh * ow;
      output = (uint8_t *)checked_malloc(obytes);
      for (b = 0; b < batches; b++)
        kpu_sim_download(ram, (uint32_t)((regs[1] >> 32) & 0x7fffu) + b * out_lines, oc, oh, ow, output + (size_t)b * oc * oh * ow);
    }
    write_u32(out, obytes);
    if (obytes) fwrite(output, 1, obytes, out);
    free(output); free(scratch); free(input); free(weights); free(bn);
  }
  free(ram);
  fclose(in);
  fclose(out);
  return 0;
}
