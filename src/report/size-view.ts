import type { MeasuredSize } from "../pipeline/target.js";
import type { SizeView } from "./types.js";

/**
 * Flash and RAM totals: measured sections of a cross build when the target has one,
 * otherwise what the compile planned (weights in flash, arena and state in RAM; code unmeasured).
 */
export function describeSizes(planned: { weightsBytes: number; arenaBytes: number; stateBytes: number }, measured: MeasuredSize | undefined, sramBudget: number | undefined): SizeView {
  const budget = sramBudget === undefined ? {} : { sramBudget };
  if (measured !== undefined) {
    const { flash, ram } = measured;
    return {
      source: "measured",
      flash: [
        { label: "code (.text)", bytes: flash.text },
        { label: "weights", bytes: flash.weights },
        { label: "other constants (.rodata, .data image)", bytes: flash.rodata - flash.weights },
      ],
      ram: [
        { label: "arena", bytes: ram.arena },
        { label: "stack (model_run)", bytes: ram.stack },
        // Measured from the image: the state_* statics and the rest of model.o's .data/.bss, both already in ram.total.
        { label: "state", bytes: ram.state },
        { label: "other statics", bytes: ram.otherStatic },
      ],
      flashTotal: flash.total,
      ramTotal: ram.total,
      ...budget,
    };
  }
  return {
    source: "planned",
    flash: [{ label: "weights", bytes: planned.weightsBytes }],
    ram: [
      { label: "arena", bytes: planned.arenaBytes },
      { label: "state", bytes: planned.stateBytes },
    ],
    flashTotal: planned.weightsBytes,
    ramTotal: planned.arenaBytes + planned.stateBytes,
    ...budget,
  };
}
