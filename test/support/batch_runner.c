/*
 * Test-only batch harness for a generated single-input, single-output model:
 * `batch_runner COUNT IN.bin OUT.bin` runs COUNT inferences on COUNT inputs stored back to back
 * in IN.bin and writes the COUNT outputs back to back to OUT.bin. One process and one arena for
 * the whole batch keep accuracy runs over thousands of samples fast.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1
#error "batch_runner handles models with one input and one output"
#endif

int main(int argc, char **argv) {
  long count;
  long i;
  FILE *in;
  FILE *out;
  void *arena;
  unsigned char *x;
  unsigned char *y;
  int status = 0;
  if (argc != 4) {
    fprintf(stderr, "usage: %s COUNT IN.bin OUT.bin\n", argv[0]);
    return 2;
  }
  count = strtol(argv[1], NULL, 10);
  in = fopen(argv[2], "rb");
  out = fopen(argv[3], "wb");
  arena = malloc(MODEL_ARENA_SIZE + MODEL_ARENA_ALIGNMENT);
  x = malloc(MODEL_INPUT_0_BYTES);
  y = malloc(MODEL_OUTPUT_0_BYTES);
  if (count < 0 || !in || !out || !arena || !x || !y) {
    fprintf(stderr, "batch_runner: bad count, unreadable input, unwritable output or out of memory\n");
    return 1;
  }
  {
    /* malloc's alignment may be smaller than the arena's: round the pointer up. */
    unsigned char *aligned = (unsigned char *)arena;
    while (((size_t)aligned) % MODEL_ARENA_ALIGNMENT != 0) aligned++;
    for (i = 0; i < count && status == 0; i++) {
      const void *inputs[1];
      void *outputs[1];
      inputs[0] = x;
      outputs[0] = y;
      if (fread(x, 1, MODEL_INPUT_0_BYTES, in) != MODEL_INPUT_0_BYTES) {
        fprintf(stderr, "batch_runner: input %ld is truncated\n", i);
        status = 1;
        break;
      }
      model_run(inputs, outputs, aligned);
      if (fwrite(y, 1, MODEL_OUTPUT_0_BYTES, out) != MODEL_OUTPUT_0_BYTES) status = 1;
    }
  }
  fclose(in);
  if (fclose(out) != 0) status = 1;
  free(arena);
  free(x);
  free(y);
  return status;
}
