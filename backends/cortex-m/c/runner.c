/*
 * QEMU test runner for a generated model on an MPS2 board:
 *   runner [-n N] IN0.bin [IN1.bin ...] OUTDIR     (arguments from -semihosting-config arg=...)
 * Reads raw little-endian inputs in model order over semihosting, runs N (default 1) inferences,
 * writes OUTDIR/<i>.bin and prints the counter ticks of the first inference and of all N:
 *   egret-ticks inferences=N first=T1 total=TN insns-per-tick=40
 * so one inference is (TN - T1) / (N - 1) ticks, free of the harness around it. A profiling build
 * (-DEGRET_PROFILE) also prints `egret-op K TICKS` per profile slot, summed over the N inferences,
 * `egret-op-calls total=C` (BEGIN hooks run) and `egret-op-call K`, the slot of each call of one
 * inference in run order (for the egret-cycles plugin's marks, which carry no slot).
 * Paths may not contain spaces (the semihosting command line is split on them).
 */
#include <stdint.h>
#include <string.h>

#include "counter.h"
#include "model.h"
#include "semihost.h"

#ifdef EGRET_PROFILE
#include "profile.h"
uint32_t eg_profile_ticks[EG_PROFILE_MAX_OPS];
int32_t eg_profile_calls[EG_PROFILE_MAX_CALLS];
uint32_t eg_profile_call_count;
uint32_t eg_profile_start;
int32_t eg_profile_ops;
#endif

#define MAX_ARGS (MODEL_NUM_INPUTS + 4)

/* The window marker of counter.h: never inlined, so every window edge executes its entry once. */
__attribute__((noinline)) void eg_mark(void) { __asm__ volatile("" ::: "memory"); }

/* The arena is static so that the size report counts it in .bss. */
static uint8_t arena[MODEL_ARENA_SIZE ? MODEL_ARENA_SIZE : 1u] __attribute__((aligned(MODEL_ARENA_ALIGNMENT)));
static char cmdline[1024];

/* Input and output buffers come from the linker's heap region (harness memory, not the model's). */
extern uint8_t __heap_start, __heap_end;
static uint8_t *heap_next = &__heap_start;

static void *heap_take(size_t bytes) {
  uint8_t *p = heap_next;
  const size_t rounded = (bytes + 15u) & ~(size_t)15u;
  if ((size_t)(&__heap_end - p) < rounded) return NULL;
  heap_next = p + rounded;
  return p;
}

/* Decimal text of value in text[11]; returns where the digits start. */
static const char *uint_text(uint32_t value, char text[11]) {
  int i = 10;
  text[i] = '\0';
  do {
    text[--i] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  return text + i;
}

static void put_uint(uint32_t value) {
  char text[11];
  sh_puts(uint_text(value, text));
}

static int fail_with(const char *what, const char *path) {
  sh_puts("runner: ");
  sh_puts(what);
  sh_puts(path);
  sh_puts("\n");
  return 1;
}

static int read_input(const char *path, void *dst, size_t bytes) {
  const int32_t h = sh_open(path, 1);
  int ok;
  if (h < 0) return fail_with("cannot open input ", path);
  ok = sh_flen(h) == (int32_t)bytes && sh_read(h, dst, (uint32_t)bytes) == 0u;
  (void)sh_close(h);
  if (!ok) return fail_with("input has the wrong size (see model.h): ", path);
  return 0;
}

static int write_output(const char *dir, int index, const void *src, size_t bytes) {
  char path[512], digits[11];
  const char *number = uint_text((uint32_t)index, digits);
  const size_t dir_len = strlen(dir), number_len = strlen(number);
  int32_t h;
  int ok;
  if (dir_len + number_len + 6u > sizeof path) return fail_with("output path too long: ", dir);
  memcpy(path, dir, dir_len);
  path[dir_len] = '/';
  memcpy(path + dir_len + 1, number, number_len);
  memcpy(path + dir_len + 1 + number_len, ".bin", 5);
  h = sh_open(path, 5);
  if (h < 0) return fail_with("cannot write ", path);
  ok = sh_write(h, src, (uint32_t)bytes) == 0u;
  ok = sh_close(h) == 0 && ok;
  return ok ? 0 : fail_with("short write to ", path);
}

/* Splits the command line in place; returns the argument count (argv[0] is the program name). */
static int split_args(char *line, char *argv[], int max) {
  int argc = 0;
  while (*line != '\0' && argc < max) {
    while (*line == ' ') *line++ = '\0';
    if (*line == '\0') break;
    argv[argc++] = line;
    while (*line != '\0' && *line != ' ') line++;
  }
  return argc;
}

int main(void) {
  const void *inputs[MODEL_NUM_INPUTS + 1] = {0};
  void *outputs[MODEL_NUM_OUTPUTS + 1] = {0};
  char *argv[MAX_ARGS];
  int argc, first = 1, i;
  uint32_t inferences = 1, n, t0, t1, t2;
  if (sh_cmdline(cmdline, sizeof cmdline) != 0) return fail_with("no semihosting command line", "");
  argc = split_args(cmdline, argv, MAX_ARGS);
  if (argc >= 3 && strcmp(argv[1], "-n") == 0) {
    inferences = 0;
    for (i = 0; argv[2][i] >= '0' && argv[2][i] <= '9'; i++) inferences = inferences * 10u + (uint32_t)(argv[2][i] - '0');
    first = 3;
  }
  if (argc - first != MODEL_NUM_INPUTS + 1 || inferences == 0u) {
    return fail_with("usage: runner [-n N>=1] IN0.bin ... OUTDIR (one file per model input)", "");
  }
  for (i = 0; i < MODEL_NUM_INPUTS; i++) {
    void *buf = heap_take(model_input_bytes[i]);
    if (buf == NULL) return fail_with("inputs do not fit in RAM: ", argv[first + i]);
    if (read_input(argv[first + i], buf, model_input_bytes[i]) != 0) return 1;
    inputs[i] = buf;
  }
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    outputs[i] = heap_take(model_output_bytes[i]);
    if (outputs[i] == NULL) return fail_with("outputs do not fit in RAM", "");
  }
  t0 = eg_counter_mark();
  model_run(inputs, outputs, arena);
  t1 = eg_counter_mark();
  for (n = 1; n < inferences; n++) model_run(inputs, outputs, arena);
  t2 = eg_counter_mark();
  sh_puts("egret-ticks inferences=");
  put_uint(inferences);
  sh_puts(" first=");
  put_uint(t1 - t0);
  sh_puts(" total=");
  put_uint(t2 - t0);
  sh_puts(" insns-per-tick=");
  put_uint(EG_INSNS_PER_TICK);
  sh_puts("\n");
#ifdef EGRET_PROFILE
  for (i = 0; i < eg_profile_ops; i++) {
    sh_puts("egret-op ");
    put_uint((uint32_t)i);
    sh_puts(" ");
    put_uint(eg_profile_ticks[i]);
    sh_puts("\n");
  }
  /* Every inference makes the same calls: the slots of the first (up to the kept ones). */
  sh_puts("egret-op-calls total=");
  put_uint(eg_profile_call_count);
  sh_puts("\n");
  for (n = 0; n < eg_profile_call_count / inferences && n < EG_PROFILE_MAX_CALLS; n++) {
    sh_puts("egret-op-call ");
    put_uint((uint32_t)eg_profile_calls[n]);
    sh_puts("\n");
  }
#endif
  for (i = 0; i < MODEL_NUM_OUTPUTS; i++) {
    if (write_output(argv[MODEL_NUM_INPUTS + first], i, outputs[i], model_output_bytes[i]) != 0) return 1;
  }
  return 0;
}
