/*
 * egret-cycles: a QEMU TCG plugin that estimates Cortex-M4 cycles from the executed instruction
 * stream. At translation time every Thumb instruction gets its cycle cost from m4-timing.c (with
 * load pipelining against the previous instruction of the block); at run time inline adds keep the
 * instruction and cycle totals, a taken branch adds the pipeline refill P (plus the flash wait
 * states W: the target is fetched from flash), and with W > 0 every data read below `flash_end`
 * adds W. Executing a marker instruction (mark=ADDR: the entry of counter.h's eg_mark, the runner's
 * window edges) records the totals at that point, so the host takes per-inference and per-op
 * differences as it does with the counter ticks. Marks are by PC, not by the counter's device read
 * (as until s30): under -icount QEMU re-executes a device read from a block re-translated for I/O,
 * where such marks were suspected lost on a loaded host; eg_mark reads no device, and which
 * instructions execute does not depend on the host.
 * Options: refill=P (default 2), wait=W (0), flash_end=ADDR (0x400000), mark=ADDR (repeatable, up to
 * 4; the Thumb bit is ignored), out=FILE (else QEMU's plugin log). One vCPU is assumed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m4-timing.h"
#include "qemu-plugin-api.h"

EG_PLUGIN_EXPORT int qemu_plugin_version = EG_QEMU_PLUGIN_VERSION;

typedef struct {
  uint64_t insns;
  uint64_t cycles;
} mark;

static uint64_t total_insns;
static uint64_t total_cycles;
/* Fall-through address of the branch being executed (0: none): the next block tells if it was taken. */
static uint64_t pending_fallthrough;
static uint64_t refill = 2u;
static uint64_t wait_states;
static uint64_t flash_end = 0x400000u;
#define EG_MAX_MARK_PCS 4u
static uint64_t mark_pcs[EG_MAX_MARK_PCS];
static size_t mark_pc_count;
static const char *out_path;
static mark *marks;
static size_t mark_count;
static size_t mark_capacity;

static void on_branch(unsigned int vcpu, void *fallthrough) {
  (void)vcpu;
  pending_fallthrough = (uint64_t)(uintptr_t)fallthrough;
}

static void on_block(unsigned int vcpu, void *start) {
  (void)vcpu;
  if (pending_fallthrough != 0u && (uint64_t)(uintptr_t)start != pending_fallthrough) total_cycles += refill + wait_states;
  pending_fallthrough = 0u;
}

static void on_read(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *unused) {
  (void)vcpu;
  (void)unused;
  if (qemu_plugin_mem_is_store(info)) return;
  if (vaddr < flash_end) total_cycles += wait_states;
}

/* A marker instruction is about to execute; its own inline adds may or may not be in, the same at every mark. */
static void on_mark(unsigned int vcpu, void *unused) {
  (void)vcpu;
  (void)unused;
  if (mark_count == mark_capacity) {
    const size_t capacity = mark_capacity == 0u ? 1024u : mark_capacity * 2u;
    mark *grown = realloc(marks, capacity * sizeof *grown);
    if (grown == NULL) {
      qemu_plugin_outs("egret-cycles: out of memory for the window marks\n");
      abort();
    }
    marks = grown;
    mark_capacity = capacity;
  }
  marks[mark_count].insns = total_insns;
  marks[mark_count].cycles = total_cycles;
  mark_count++;
}

static int is_mark_pc(uint64_t pc) {
  size_t i;
  for (i = 0; i < mark_pc_count; i++) {
    if (mark_pcs[i] == pc) return 1;
  }
  return 0;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  const size_t n = qemu_plugin_tb_n_insns(tb);
  eg_m4_timing prev;
  size_t i;
  (void)id;
  memset(&prev, 0, sizeof prev);
  qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)qemu_plugin_tb_vaddr(tb));
  for (i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    const size_t size = qemu_plugin_insn_size(insn);
    const eg_m4_timing t = eg_m4_decode((const uint8_t *)qemu_plugin_insn_data(insn), size);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total_insns, 1u);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &total_cycles, eg_m4_cycles_after(&prev, &t));
    if ((t.flags & EG_M4_BRANCH) != 0u) {
      const uint64_t fallthrough = qemu_plugin_insn_vaddr(insn) + size;
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_branch, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)fallthrough);
    }
    if (is_mark_pc(qemu_plugin_insn_vaddr(insn))) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (wait_states != 0u && (t.flags & EG_M4_LOADS) != 0u) {
      /* RW, filtered in on_read: QEMU 7.2 (Debian 7.2.22) delivers only stores to a MEM_R registration. */
      qemu_plugin_register_vcpu_mem_cb(insn, on_read, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
    }
    prev = t;
  }
}

static void on_qemu_exit(qemu_plugin_id_t id, void *unused) {
  FILE *out = out_path == NULL ? NULL : fopen(out_path, "w");
  char line[160];
  size_t i;
  (void)id;
  (void)unused;
  snprintf(line, sizeof line, "egret-cycles insns=%llu cycles=%llu marks=%lu refill=%llu wait=%llu\n", (unsigned long long)total_insns,
           (unsigned long long)total_cycles, (unsigned long)mark_count, (unsigned long long)refill, (unsigned long long)wait_states);
  if (out != NULL) fputs(line, out); else qemu_plugin_outs(line);
  for (i = 0; i < mark_count; i++) {
    snprintf(line, sizeof line, "egret-mark %lu %llu %llu\n", (unsigned long)i, (unsigned long long)marks[i].insns, (unsigned long long)marks[i].cycles);
    if (out != NULL) fputs(line, out); else qemu_plugin_outs(line);
  }
  if (out != NULL) fclose(out);
  free(marks);
}

/* `key=value` with a number in C syntax; 0 when it is not this key, -1 on a bad value. */
static int number_option(const char *arg, const char *key, uint64_t *value) {
  const size_t len = strlen(key);
  char *end;
  if (strncmp(arg, key, len) != 0 || arg[len] != '=') return 0;
  *value = strtoull(arg + len + 1, &end, 0);
  return (end == arg + len + 1 || *end != '\0') ? -1 : 1;
}

EG_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  int i;
  if (info->target_name == NULL || strcmp(info->target_name, "arm") != 0) {
    fprintf(stderr, "egret-cycles: times Thumb instructions of qemu-system-arm, not %s\n", info->target_name == NULL ? "?" : info->target_name);
    return -1;
  }
  for (i = 0; i < argc; i++) {
    const char *arg = argv[i];
    int r = number_option(arg, "refill", &refill);
    if (r == 0) r = number_option(arg, "wait", &wait_states);
    if (r == 0) r = number_option(arg, "flash_end", &flash_end);
    if (r == 0 && mark_pc_count < EG_MAX_MARK_PCS) {
      r = number_option(arg, "mark", &mark_pcs[mark_pc_count]);
      if (r == 1) mark_pcs[mark_pc_count++] &= ~(uint64_t)1u;
    }
    if (r == 0 && strncmp(arg, "out=", 4) == 0) {
      out_path = arg + 4;
      r = 1;
    }
    if (r != 1) {
      fprintf(stderr, "egret-cycles: bad option \"%s\" (refill=P wait=W flash_end=ADDR mark=ADDR (up to 4) out=FILE)\n", arg);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
  return 0;
}
