import type { CostModel } from "../../costmodels/types.js";
import { cortexM4 } from "./cost-model.js";

/**
 * The Cortex-M targets: compiler flags for arm-none-eabi-gcc and the QEMU board each one runs on.
 * QEMU 7.2 has no Cortex-M0/M0+ board with enough memory (the micro:bit has 16 KB of RAM), so
 * `cortex-m0plus` code (Armv6-M, a subset of Armv7-M) runs on mps2-an385, a Cortex-M3: the
 * instructions executed are the M0+ build's, but timing-relevant facts of the M0+ core are not modelled.
 */
export interface CortexMVariant {
  /** `--target` name. */
  readonly name: string;
  readonly description: string;
  /** -mcpu/-mthumb/-mfloat-abi/-mfpu flags for compiling and linking. */
  readonly archFlags: string;
  /** qemu-system-arm -M board. */
  readonly machine: string;
  /** The cost model extraction uses (the M4 model for all three: measured on the M4). */
  readonly costModel: CostModel;
  /** Armv7E-M (DSP extension): the optimised int8 kernels apply. */
  readonly dsp: boolean;
}

export const CORTEX_M_VARIANTS: readonly CortexMVariant[] = [
  {
    name: "cortex-m4",
    description: "Cortex-M4F (Armv7E-M, DSP, single-precision FPU); arm-none-eabi-gcc, runs on QEMU mps2-an386",
    archFlags: "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16",
    machine: "mps2-an386",
    costModel: cortexM4,
    dsp: true,
  },
  {
    name: "cortex-m7",
    description: "Cortex-M7 (Armv7E-M, DSP, double-precision FPU); arm-none-eabi-gcc, runs on QEMU mps2-an500",
    archFlags: "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16",
    machine: "mps2-an500",
    costModel: cortexM4,
    dsp: true,
  },
  {
    name: "cortex-m0plus",
    description: "Cortex-M0+ (Armv6-M, no DSP, soft float); arm-none-eabi-gcc, runs on QEMU mps2-an385 (a Cortex-M3)",
    archFlags: "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft",
    machine: "mps2-an385",
    costModel: cortexM4,
    dsp: false,
  },
];

export function findVariant(name: string): CortexMVariant | undefined {
  return CORTEX_M_VARIANTS.find((v) => v.name === name);
}
