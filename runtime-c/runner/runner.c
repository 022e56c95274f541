/*
 * Host test runner for a generated model: `runner IN0.bin [IN1.bin ...] OUTDIR`.
 * Reads raw little-endian inputs in model order, runs one inference, writes OUTDIR/<i>.bin.
 * It is a harness, not part of the embedded library, so it may use stdio and malloc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static int read_exact(const char *path, void *dst, size_t bytes) {
  FILE *f = fopen(path, "rb");
  size_t got;
  int extra;
  if (!f) {
    fprintf(stderr, "runner: cannot open input %s\n", path);
    return 0;
  }
  got = bytes ? fread(dst, 1, bytes, f) : 0;
  extra = fgetc(f);
  fclose(f);
  if (got != bytes || extra != EOF) {
    fprintf(stderr, "runner: %s must hold exactly %lu bytes\n", path, (unsigned long)bytes);
    return 0;
  }
  return 1;
}

static int write_all(const char *path, const void *src, size_t bytes) {
  FILE *f = fopen(path, "wb");
  int ok;
  if (!f) {
    fprintf(stderr, "runner: cannot write %s\n", path);
    return 0;
  }
  ok = fwrite(src, 1, bytes, f) == bytes;
  ok = (fclose(f) == 0) && ok;
  if (!ok) fprintf(stderr, "runner: short write to %s\n", path);
  return ok;
}

int main(int argc, char **argv) {
  const void *inputs[MODEL_NUM_INPUTS + 1] = {0};
  void *outputs[MODEL_NUM_OUTPUTS + 1] = {0};
  void *arena;
  int i;
  int status = 0;
  if (argc != MODEL_NUM_INPUTS + 2) {
    fprintf(stderr, "usage: %s", argv[0]);
    for (i = 0; i < MODEL_NUM_INPUTS; i++) fprintf(stderr, " IN%d.bin", i);
    fprintf(stderr, " OUTDIR\n");
    return 2;
  }
  for (i = 0; i < MODEL_NUM_INPUTS; i++) {
    void *buf = malloc(model_input_bytes[i] ? model_input_bytes[i] : 1);
    if (!buf || !read_exact(argv[i + 1], buf, model_input_bytes[i])) return 1;
    inputs[i] = buf;
  }
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    outputs[i] = calloc(model_output_bytes[i] ? model_output_bytes[i] : 1, 1);
    if (!outputs[i]) return 1;
  }
  arena = malloc(MODEL_ARENA_SIZE ? MODEL_ARENA_SIZE : 1);
  if (!arena) return 1;
#ifdef MODEL_RUN_RETURNS_STATUS
  {
    int run_status = model_run(inputs, outputs, arena);
    if (run_status != 0) {
      fprintf(stderr, "runner: model_run failed with status %d\n", run_status);
      return 1;
    }
  }
#else
  model_run(inputs, outputs, arena);
#endif
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%d.bin", argv[MODEL_NUM_INPUTS + 1], i) >= (int)sizeof path) return 1;
    if (!write_all(path, outputs[i], model_output_bytes[i])) status = 1;
    free(outputs[i]);
  }
  for (i = 0; i < MODEL_NUM_INPUTS; i++) free((void *)inputs[i]);
  free(arena);
  return status;
}
