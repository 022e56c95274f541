/*
 * Thumb/Thumb-2 encodings (ARMv7-M ARM, "Thumb instruction set encoding") mapped onto the
 * Cortex-M4 cycle table. Anything not named below is a 1-cycle data-processing instruction, which
 * is what the M4 table gives for ALU, shifts, extends, bit fields, saturation, parallel add/sub,
 * every multiply and multiply-accumulate (MUL/MLA/MLS, SMULL/UMULL/SMLAL/UMLAL, SMLAD family,
 * SMULxy/SMLAxy/SMULWy) and the single-cycle FPU operations.
 */
#include "m4-timing.h"

#define NO_REG 16u

static eg_m4_timing make(unsigned cycles, unsigned flags) {
  eg_m4_timing t;
  t.cycles = (uint8_t)cycles;
  t.flags = (uint8_t)flags;
  t.rt = NO_REG;
  t.rn = NO_REG;
  t.rm = NO_REG;
  return t;
}

static unsigned popcount16(unsigned v) {
  unsigned n = 0;
  for (v &= 0xFFFFu; v != 0u; v &= v - 1u) n++;
  return n;
}

/* A single load or store: 2 cycles (1 for a store with an immediate offset: the write buffer). */
static eg_m4_timing single(int load, int reg_offset, unsigned rt, unsigned rn, unsigned rm, int word) {
  eg_m4_timing t;
  if (load && rt == 15u) return make(2u, EG_M4_BRANCH | EG_M4_LOADS); /* LDR PC: 2 + P */
  if (load) {
    t = make(2u, EG_M4_LOADS | EG_M4_SINGLE_LOAD | EG_M4_PIPELINABLE | (word ? EG_M4_WORD_LOAD : 0u));
    t.rt = (uint8_t)rt;
  } else {
    t = reg_offset ? make(2u, EG_M4_PIPELINABLE) : make(1u, 0u);
  }
  t.rn = (uint8_t)rn;
  t.rm = (uint8_t)(reg_offset ? rm : NO_REG);
  return t;
}

static eg_m4_timing decode16(unsigned hw) {
  if ((hw & 0xFC00u) == 0x4400u) { /* special data processing, BX, BLX */
    if ((hw & 0xFF00u) == 0x4700u) return make(1u, EG_M4_BRANCH);
    if ((hw & 0xFF00u) != 0x4500u && (((hw >> 4) & 0x8u) | (hw & 0x7u)) == 15u) return make(1u, EG_M4_BRANCH);
    return make(1u, 0u);
  }
  if ((hw & 0xF800u) == 0x4800u) return single(1, 0, (hw >> 8) & 7u, 15u, NO_REG, 1); /* LDR literal */
  if ((hw & 0xF000u) == 0x5000u) { /* register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH */
    const unsigned op = (hw >> 9) & 7u;
    return single(op >= 3u, 1, hw & 7u, (hw >> 3) & 7u, (hw >> 6) & 7u, op == 4u);
  }
  if ((hw & 0xE000u) == 0x6000u) return single((hw >> 11) & 1u, 0, hw & 7u, (hw >> 3) & 7u, NO_REG, (hw & 0xF000u) == 0x6000u);
  if ((hw & 0xF000u) == 0x8000u) return single((hw >> 11) & 1u, 0, hw & 7u, (hw >> 3) & 7u, NO_REG, 0);
  if ((hw & 0xF000u) == 0x9000u) return single((hw >> 11) & 1u, 0, (hw >> 8) & 7u, 13u, NO_REG, 1);
  if ((hw & 0xF500u) == 0xB100u) return make(1u, EG_M4_BRANCH); /* CBZ, CBNZ */
  if ((hw & 0xFE00u) == 0xB400u) return make(1u + popcount16((hw & 0xFFu) | ((hw >> 8) & 1u)), 0u); /* PUSH */
  if ((hw & 0xFE00u) == 0xBC00u) { /* POP: 1 + N, + P with the PC */
    const unsigned n = popcount16((hw & 0xFFu) | ((hw >> 8) & 1u));
    return make(1u + n, EG_M4_LOADS | ((hw & 0x100u) != 0u ? EG_M4_BRANCH : 0u));
  }
  if ((hw & 0xF000u) == 0xC000u) { /* STM, LDM: 1 + N */
    const int load = (hw & 0x800u) != 0u;
    return make(1u + popcount16(hw & 0xFFu), load ? EG_M4_LOADS : 0u);
  }
  if ((hw & 0xF000u) == 0xD000u) { /* B<cond>; 1110 UDF, 1111 SVC */
    const unsigned cond = (hw >> 8) & 0xFu;
    return make(1u, cond < 14u ? EG_M4_BRANCH : 0u);
  }
  if ((hw & 0xF800u) == 0xE000u) return make(1u, EG_M4_BRANCH); /* B */
  return make(1u, 0u);
}

/* Coprocessor space: the FPU (cp10/cp11) loads, stores, transfers and data processing. */
static eg_m4_timing decode_fpu(unsigned hw1, unsigned hw2) {
  if ((hw1 & 0x0E00u) == 0x0C00u) { /* extension register load/store, 64-bit transfers */
    if ((hw1 & 0x0FE0u) == 0x0C40u) return make(2u, 0u);                   /* VMOV two core registers */
    if ((hw1 & 0x0F20u) == 0x0D00u) return make(2u, (hw1 & 0x10u) != 0u ? EG_M4_LOADS : 0u); /* VLDR, VSTR */
    return make(1u + (hw2 & 0xFFu), (hw1 & 0x10u) != 0u ? EG_M4_LOADS : 0u); /* VLDM/VSTM/VPUSH/VPOP: 1 + N words */
  }
  if ((hw1 & 0x0F00u) == 0x0E00u && (hw2 & 0x10u) == 0u && (hw2 & 0x0E00u) == 0x0A00u) {
    switch (hw1 & 0xB0u) {
      case 0x00u: case 0x10u: case 0x90u: case 0xA0u: return make(EG_M4_FP_MAC_CYCLES, 0u);
      case 0x80u: return make(EG_M4_FP_LONG_CYCLES, 0u); /* VDIV */
      case 0xB0u: if ((hw1 & 0xFu) == 1u && (hw2 & 0xC0u) == 0xC0u) return make(EG_M4_FP_LONG_CYCLES, 0u); /* VSQRT */
        return make(1u, 0u);
      default: return make(1u, 0u);
    }
  }
  return make(1u, 0u);
}

static eg_m4_timing decode32(unsigned hw1, unsigned hw2) {
  if ((hw1 & 0xFE40u) == 0xE800u) { /* load/store multiple: 1 + N, + P with the PC */
    const int load = (hw1 & 0x10u) != 0u;
    return make(1u + popcount16(hw2), load ? (EG_M4_LOADS | ((hw2 & 0x8000u) != 0u ? EG_M4_BRANCH : 0u)) : 0u);
  }
  if ((hw1 & 0xFE40u) == 0xE840u) { /* dual, exclusive, table branch */
    const int load = (hw1 & 0x10u) != 0u;
    if ((hw1 & 0xFFF0u) == 0xE8D0u && (hw2 & 0xFFE0u) == 0xF000u) return make(2u, EG_M4_BRANCH | EG_M4_LOADS); /* TBB/TBH: 2 + P */
    if ((hw1 & 0x0120u) == 0u) return make(2u, load ? EG_M4_LOADS : 0u); /* exclusives */
    return make(3u, load ? EG_M4_LOADS : 0u);                                                          /* LDRD/STRD: 1 + 2 */
  }
  if ((hw1 & 0xEC00u) == 0xEC00u) return decode_fpu(hw1, hw2);
  if ((hw1 & 0xF800u) == 0xF000u && (hw2 & 0x8000u) != 0u) { /* branches and miscellaneous control */
    if ((hw2 & 0x5000u) != 0u) return make(1u, EG_M4_BRANCH); /* B.W, BL */
    if ((hw1 & 0x0380u) != 0x0380u) return make(1u, EG_M4_BRANCH); /* B<cond>.W */
    return make(1u, 0u); /* MSR, MRS, hints, barriers (B taken as 0) */
  }
  if ((hw1 & 0xFE00u) == 0xF800u) { /* load/store single; 0xF9xx are the signed loads */
    const int load = (hw1 & 0x10u) != 0u;
    const unsigned rn = hw1 & 0xFu;
    const unsigned rt = hw2 >> 12;
    const int reg_offset = (hw1 & 0x80u) == 0u && rn != 15u && (hw2 & 0x0FC0u) == 0u;
    if (load && rt == 15u && (hw1 & 0x60u) != 0x40u) return make(1u, 0u); /* PLD, PLI and hints */
    return single(load, reg_offset, rt, rn, hw2 & 0xFu, (hw1 & 0x160u) == 0x40u);
  }
  if ((hw1 & 0xFFD0u) == 0xFB90u) return make(EG_M4_DIV_CYCLES, 0u); /* SDIV, UDIV */
  return make(1u, 0u);
}

eg_m4_timing eg_m4_decode(const uint8_t *bytes, size_t size) {
  const unsigned hw1 = (unsigned)bytes[0] | ((unsigned)bytes[1] << 8);
  if (size < 4u) return decode16(hw1);
  return decode32(hw1, (unsigned)bytes[2] | ((unsigned)bytes[3] << 8));
}

unsigned eg_m4_cycles_after(const eg_m4_timing *prev, const eg_m4_timing *cur) {
  if ((cur->flags & EG_M4_PIPELINABLE) == 0u || (prev->flags & EG_M4_SINGLE_LOAD) == 0u) return cur->cycles;
  if (cur->rn == prev->rt || cur->rm == prev->rt) return cur->cycles;
  return cur->cycles - 1u;
}
