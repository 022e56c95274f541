/*
 * Timing harness for a generated model (npm run bench:host): `bench_runner IN0.bin [IN1.bin ...] OUTDIR`.
 * Reads the raw inputs once, then serves batches: each line "N" on stdin runs N inferences and
 * prints one line of N per-call wall times in nanoseconds (CLOCK_MONOTONIC); a line "0" or end of
 * input writes the outputs of the last inference to OUTDIR/<i>.bin and exits. The driver
 * (bench/host.ts) interleaves these batches with onnxruntime's in one run, so both see the same
 * machine load. A harness, not part of the embedded library: it may use stdio, malloc and POSIX.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model.h"

/* Longest batch one line may ask for; the driver asks for a few calls at a time. */
#define MAX_BATCH 100000L

static int read_exact(const char *path, void *dst, size_t bytes) {
  FILE *f = fopen(path, "rb");
  size_t got;
  int extra;
  if (!f) {
    fprintf(stderr, "bench_runner: cannot open input %s\n", path);
    return 0;
  }
  got = bytes ? fread(dst, 1, bytes, f) : 0;
  extra = fgetc(f);
  fclose(f);
  if (got != bytes || extra != EOF) {
    fprintf(stderr, "bench_runner: %s must hold exactly %lu bytes\n", path, (unsigned long)bytes);
    return 0;
  }
  return 1;
}

static int write_all(const char *path, const void *src, size_t bytes) {
  FILE *f = fopen(path, "wb");
  int ok;
  if (!f) {
    fprintf(stderr, "bench_runner: cannot write %s\n", path);
    return 0;
  }
  ok = fwrite(src, 1, bytes, f) == bytes;
  ok = (fclose(f) == 0) && ok;
  return ok;
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + (long long)t.tv_nsec;
}

int main(int argc, char **argv) {
  const void *inputs[MODEL_NUM_INPUTS + 1] = {0};
  void *outputs[MODEL_NUM_OUTPUTS + 1] = {0};
  char line[64];
  void *arena;
  int i;
  int status = 0;
  if (argc != MODEL_NUM_INPUTS + 2) {
    fprintf(stderr, "usage: %s IN0.bin ... OUTDIR, then batch sizes on stdin\n", argv[0]);
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
  while (fgets(line, (int)sizeof line, stdin) != NULL) {
    long n = strtol(line, NULL, 10), k;
    if (n <= 0) break;
    if (n > MAX_BATCH) n = MAX_BATCH;
    for (k = 0; k < n; k++) {
      const long long start = now_ns();
      model_run(inputs, outputs, arena);
      printf(k + 1 < n ? "%lld " : "%lld\n", now_ns() - start);
    }
    fflush(stdout);
  }
  model_run(inputs, outputs, arena);
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
