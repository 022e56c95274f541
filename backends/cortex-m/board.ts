import { DTYPES } from "../../src/ir/dtype.js";
import type { Graph } from "../../src/ir/graph.js";
import { fail } from "../../src/errors.js";
import type { CortexMVariant } from "./variants.js";

/**
 * Memory of the QEMU MPS2 boards every Cortex-M target runs on (mps2-an385/an386/an500), as
 * c/mps2.ld lays it out: SSRAM1 holds code and weights ("flash"), SSRAM2/3 holds .data, .bss (the
 * arena among it), the runner's heap (its input and output buffers) and a reserved stack. Keep these
 * numbers equal to the linker script's MEMORY lengths and __stack_size.
 */
export const MPS2_MEMORY = { flashBytes: 4 * 1024 * 1024, ramBytes: 4 * 1024 * 1024, stackReserveBytes: 64 * 1024 } as const;

/** What the program needs on the board, before any cross build: the numbers known at compile time. */
export interface BoardNeed {
  readonly arena: number;
  /** Input and output buffers the runner allocates (the application's, outside the arena). */
  readonly io: number;
  readonly stack: number;
  /** Persistent state of recurrent ops (MODEL_STATE_BYTES): statics beside the arena. */
  readonly state: number;
  readonly ram: number;
  readonly weights: number;
}

export function boardNeed(program: Graph, arenaBytes: number, weightBytes: number, stateBytes = 0): BoardNeed {
  const io = [...program.inputs, ...program.outputs].reduce((sum, v) => sum + v.shape.reduce((a, b) => a * b, 1) * DTYPES[v.dtype].bytes, 0);
  const stack = MPS2_MEMORY.stackReserveBytes;
  return { arena: arenaBytes, io, stack, state: stateBytes, ram: arenaBytes + io + stack + stateBytes, weights: weightBytes };
}

const QUANTIZE_OR_MOVE = "quantize (--quantize int8 needs a quarter of float's bytes) or pick a target with more memory";
const WHAT_TO_DO = `shrink the arena with --sram-budget BYTES, ${QUANTIZE_OR_MOVE}`;

/** What helps a model whose RAM need is too big: the arena can shrink, input and output buffers cannot. */
function ramAdvice(need: BoardNeed): string {
  return need.arena >= need.io ? WHAT_TO_DO : `the input and output buffers are most of it: give a smaller input shape (--input-shape), ${QUANTIZE_OR_MOVE}`;
}

/**
 * Refuses a program that cannot fit the variant's board: weights beyond flash, or arena + input and
 * output buffers + the reserved stack + persistent state beyond RAM. Code and the harness's own static data come on top
 * (a few tens of KB; the cross build's linker checks them, see `failIfRegionOverflowed`).
 */
export function requireFitsBoard(variant: CortexMVariant, need: BoardNeed): void {
  const { flashBytes, ramBytes } = MPS2_MEMORY;
  if (need.ram > ramBytes) {
    fail(
      "limit",
      `target ${variant.name}`,
      `the model needs ${need.ram} bytes of RAM (arena ${need.arena} + inputs/outputs ${need.io} + stack ${need.stack}${need.state > 0 ? ` + state ${need.state}` : ""}), more than the ${ramBytes} bytes of QEMU ${variant.machine}; ${ramAdvice(need)}`,
    );
  }
  if (need.weights > flashBytes) {
    fail("limit", `target ${variant.name}`, `the model's weights need ${need.weights} bytes of flash, more than the ${flashBytes} bytes of QEMU ${variant.machine}; ${QUANTIZE_OR_MOVE}`);
  }
}

/** A cross link that overflowed a memory region (`region \`RAM' overflowed by N bytes`) is a fit failure, not a crash. */
export function failIfRegionOverflowed(subject: string, linkerLog: string): void {
  const m = /region `(\w+)' overflowed by (\d+) bytes/.exec(linkerLog);
  if (m === null) return;
  const flash = m[1] === "FLASH";
  const size = flash ? MPS2_MEMORY.flashBytes : MPS2_MEMORY.ramBytes;
  fail("limit", subject, `the build needs ${m[2]} bytes more ${m[1]} than the board's ${size} (code and static data included); ${flash ? QUANTIZE_OR_MOVE : WHAT_TO_DO}`);
}
