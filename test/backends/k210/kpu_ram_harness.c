/*
 * Test main for a generated k210 folder (make RUNNER_SRC=kpu_ram_harness.c ...): runs model_run
 * once like runner.c, then writes OUTDIR/<i>.bin for each output, OUTDIR/kpu_ram.bin (the host's
 * 2 MiB of KPU RAM: the simulator's buffer, or the register model's), and prints the run status
 * and, with the register model, its counters on stdout.
 * usage: harness IN0.bin [IN1.bin ...] OUTDIR
 */
#include <stdio.h>
#include <stdlib.h>
#include "kpu_driver.h"
#include "model.h"
#ifdef EG_KPU_MMIO_MODEL
#include "kpu_model.h"
#endif

static int write_file(const char *dir, const char *name, const void *bytes, size_t n) {
  char path[4096];
  FILE *f;
  size_t done;
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return 0;
  f = fopen(path, "wb");
  if (f == NULL) return 0;
  done = fwrite(bytes, 1, n, f);
  return fclose(f) == 0 && done == n;
}

int main(int argc, char **argv) {
  const void *inputs[MODEL_NUM_INPUTS + 1] = {0};
  void *outputs[MODEL_NUM_OUTPUTS + 1] = {0};
  void *arena = malloc(MODEL_ARENA_SIZE ? MODEL_ARENA_SIZE : 1);
  const char *out_dir = argv[argc - 1];
  char name[32];
  int i, status, written = 1;
  if (argc != MODEL_NUM_INPUTS + 2 || arena == NULL) return 2;
  for (i = 0; i < MODEL_NUM_INPUTS; i++) {
    void *buf = malloc(model_input_bytes[i] ? model_input_bytes[i] : 1);
    FILE *f = fopen(argv[i + 1], "rb");
    if (buf == NULL || f == NULL || fread(buf, 1, model_input_bytes[i], f) != model_input_bytes[i]) return 2;
    fclose(f);
    inputs[i] = buf;
  }
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++)
    if ((outputs[i] = calloc(model_output_bytes[i] ? model_output_bytes[i] : 1, 1)) == NULL) return 2;
  status = model_run(inputs, outputs, arena);
  printf("status %d\n", status);
#ifdef EG_KPU_MMIO_MODEL
  {
    kpu_model_stats_t s = kpu_model_stats();
    printf("model layers_run %lu layers_failed %lu ram_while_busy %lu fifo_while_busy %lu unknown_accesses %lu fifo_output %lu\n",
           s.layers_run, s.layers_failed, s.ram_while_busy, s.fifo_while_busy, s.unknown_accesses, s.fifo_output);
  }
#endif
  fflush(stdout);
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    snprintf(name, sizeof name, "%d.bin", i);
    if (!write_file(out_dir, name, outputs[i], model_output_bytes[i])) written = 0;
  }
  if (!write_file(out_dir, "kpu_ram.bin", eg_kpu_host_ram(), KPU_SIM_RAM_BYTES)) written = 0;
  for (i = 0; i < MODEL_NUM_INPUTS; i++) free((void *)inputs[i]);
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) free(outputs[i]);
  free(arena);
  return written ? 0 : 2;
}
