/*
 * Firmware that runs a model compiled with `egret compile --emit library`: one input, one output.
 * The input comes from a host file over semihosting (standing in for a sensor), the output goes to
 * a host file, and the index of the largest output value is printed. Arguments (semihosting):
 *   firmware IN.bin OUT.bin
 */
#include <stdint.h>
#include <string.h>

#include "model.h"
#include "semihost.h"

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1
#error "this example runs models with one input and one output"
#endif

MODEL_DEFINE_ARENA(arena);
static MODEL_INPUT_0_CTYPE input[MODEL_INPUT_0_BYTES / sizeof(MODEL_INPUT_0_CTYPE)];
static MODEL_OUTPUT_0_CTYPE output[MODEL_OUTPUT_0_BYTES / sizeof(MODEL_OUTPUT_0_CTYPE)];
static char cmdline[512];

/* Splits the command line at spaces; returns the number of words (at most max). */
static int split_words(char *line, char *words[], int max) {
  int n = 0;
  while (*line != '\0' && n < max) {
    while (*line == ' ') *line++ = '\0';
    if (*line == '\0') break;
    words[n++] = line;
    while (*line != '\0' && *line != ' ') line++;
  }
  return n;
}

static int transfer(const char *path, uint32_t mode, void *buffer, uint32_t bytes) {
  const int32_t file = sh_open(path, mode);
  uint32_t left;
  if (file < 0) {
    sh_puts("firmware: cannot open ");
    sh_puts(path);
    sh_puts("\n");
    return 1;
  }
  left = mode == 1u ? sh_read(file, buffer, bytes) : sh_write(file, buffer, bytes);
  sh_close(file);
  if (left != 0u) sh_puts("firmware: short transfer\n");
  return left != 0u;
}

int main(void) {
  char *words[3];
  const void *inputs[1];
  void *outputs[1];
  size_t i, best = 0;
  char digits[12];
  int d = 11;
  if (sh_cmdline(cmdline, sizeof cmdline) != 0 || split_words(cmdline, words, 3) != 3) {
    sh_puts("usage: firmware IN.bin OUT.bin\n");
    return 2;
  }
  if (transfer(words[1], 1u, input, sizeof input) != 0) return 1;
  inputs[0] = input;
  outputs[0] = output;
  model_run(inputs, outputs, arena);
  if (transfer(words[2], 5u, output, sizeof output) != 0) return 1;
  for (i = 1; i < sizeof output / sizeof output[0]; i++) {
    if (output[i] > output[best]) best = i;
  }
  digits[d] = '\0';
  do {
    digits[--d] = (char)('0' + best % 10u);
    best /= 10u;
  } while (best != 0u);
  sh_puts("firmware: top class ");
  sh_puts(digits + d);
  sh_puts("\n");
  return 0;
}
