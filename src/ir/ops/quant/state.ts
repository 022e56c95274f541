import type { EmitCtx } from "../../emit-ctx.js";

/**
 * Persistent state of recurrent TFLite ops (SVDF activation state, LSTM hidden and cell state) in
 * the generated C: a file-scope `static` array that lives across `<prefix>_run` calls, as TFLite
 * Micro's variable tensors live across Invoke() calls. It starts at `resetValue` (TFLite's
 * ResetVariableTensor value): C zero-initialises statics, and a non-zero reset value is written by
 * a one-time guard at the op's first run. Returns the array's C name.
 *
 * The runtime kernels themselves keep no state (runtime-c/egret.h); only generated code does.
 * There is no reset entry point: a fresh process (or re-loading the program) starts a new stream.
 */
export function persistentState(ctx: EmitCtx, hint: string, ctype: string, count: number, resetValue: number): string {
  const name = ctx.uniqueName(`state_${hint}`);
  if (resetValue === 0) {
    ctx.define(`state:${name}`, `/* Persistent state ${hint}: updated by every run (a second run continues the stream). */\nstatic ${ctype} ${name}[${count}];`);
    return name;
  }
  const ready = ctx.uniqueName(`${name}_ready`);
  ctx.define(
    `state:${name}`,
    `/* Persistent state ${hint}: starts at ${resetValue}, updated by every run (a second run continues the stream). */\nstatic ${ctype} ${name}[${count}];\nstatic int ${ready} = 0;`,
  );
  ctx.line(`if (!${ready}) { int32_t i; for (i = 0; i < ${count}; i++) ${name}[i] = (${ctype})${resetValue}; ${ready} = 1; }`);
  return name;
}
