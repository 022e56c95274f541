import type { EmitCtx } from "../../emit-ctx.js";

/**
 * Persistent state of recurrent TFLite ops (SVDF activation state, LSTM hidden and cell state) in
 * the generated C: a file-scope `static` array that lives across `<prefix>_run` calls, as TFLite
 * Micro's variable tensors live across Invoke() calls. It starts at `resetValue` (TFLite's
 * ResetVariableTensor value): C zero-initialises statics, and a non-zero reset value is written by
 * a one-time guard at the op's first run. Returns the array's C name.
 *
 * The runtime kernels themselves keep no state (runtime-c/egret.h); only generated code does.
 * `<prefix>_reset()` (model.h) starts a new stream: it zeroes zero-reset state and clears the
 * one-time guard of the others, so that their next run writes the reset value again.
 */
export function persistentState(ctx: EmitCtx, hint: string, ctype: string, count: number, resetValue: number, elementBytes: number): string {
  const name = ctx.uniqueName(`state_${hint}`);
  if (resetValue === 0) {
    ctx.define(`state:${name}`, `/* Persistent state ${hint}: updated by every run (a second run continues the stream). */\nstatic ${ctype} ${name}[${count}];`);
    ctx.persistent(count * elementBytes, `memset(${name}, 0, sizeof(${name}));`);
    return name;
  }
  const ready = ctx.uniqueName(`${name}_ready`);
  ctx.define(
    `state:${name}`,
    `/* Persistent state ${hint}: starts at ${resetValue}, updated by every run (a second run continues the stream). */\nstatic ${ctype} ${name}[${count}];\nstatic int ${ready} = 0;`,
  );
  ctx.persistent(count * elementBytes, `${ready} = 0;`);
  ctx.line(`if (!${ready}) { int32_t i; for (i = 0; i < ${count}; i++) ${name}[i] = (${ctype})${resetValue}; ${ready} = 1; }`);
  return name;
}
