/**
 * The Cortex-M plugin (`--target cortex-m4 | cortex-m7 | cortex-m0plus`). The model and kernels are
 * the host's, written as the library `--emit library` writes; the target adds the QEMU harness and
 * its cross build in the output's harness/ folder (files.ts). Every variant takes the blocked float
 * kernels (rules/targets/float-kernels.rules), Armv7E-M variants add the DSP lowering rules
 * (rules/targets/cortex-m.rules) onto this folder's DSP ops (ops/); every variant reports flash and
 * RAM from a cross build after `egret compile` (text and --json), refuses a program that cannot fit
 * its board (board.ts) and can be measured under QEMU (`egret run-target`, `egret bench`).
 */
import { join } from "node:path";
import { withPatchBandPrices } from "../../costmodels/patch-bands.js";
import { inputFileNames } from "../../src/emit/output-files.js";
import { FLOAT_KERNEL_RULES, RULES_DIR } from "../../src/paths.js";
import type { Target, TargetPlugin } from "../../src/pipeline/target.js";
import { MPS2_MEMORY } from "./board.js";
import { cortexMSizeSummary } from "./compile-report.js";
import { cortexMFiles, harnessDir } from "./files.js";
import { cortexMMeasurement } from "./measure.js";
import { CONV_DSP_OPS } from "./ops/conv-dsp.js";
import { CONV_DSP_BAND_OPS } from "./ops/conv-dsp-band.js";
import { DEPTHWISE_DSP_OPS } from "./ops/depthwise-dsp.js";
import { DEPTHWISE3X3_DSP_OPS } from "./ops/depthwise3x3-dsp-band.js";
import { DEPTHWISE_ROWS_OPS } from "./ops/depthwise-rows.js";
import { FULLY_CONNECTED_DSP_OPS } from "./ops/fully-connected-dsp.js";
import { LSTM_DSP_OPS } from "./ops/lstm-dsp.js";
import { SVDF_DSP_OPS } from "./ops/svdf-dsp.js";
import type { SizeReport } from "./size-report.js";
import { CORTEX_M_VARIANTS, type CortexMVariant } from "./variants.js";

/** The DSP lowering rules of the Armv7E-M variants. */
export const CORTEX_M_RULES = join(RULES_DIR, "targets", "cortex-m.rules");

function variantTarget(variant: CortexMVariant): Target {
  return {
    name: variant.name,
    description: variant.description,
    costModel: withPatchBandPrices(variant.costModel),
    libraryOutput: true,
    ...(variant.dsp ? { ruleFiles: [CORTEX_M_RULES] } : {}),
    floatRuleFiles: [FLOAT_KERNEL_RULES],
    files: (model, program, context) => cortexMFiles(variant, model, program, context.profiled),
    sizeReport: (outputDir, arenaBytes) => cortexMSizeSummary(variant.name, outputDir, arenaBytes),
    // The targets of the harness Makefile (harness-makefile.ts): runner.elf, and `run` under QEMU with ARGS.
    runHint: (outputDir, inputs, _summary, size) => [
      `library: ${outputDir}   (model.c/.h and kernels for your firmware: CMakeLists.txt with add_library(egret_model), model.mk)`,
      `build: make -C ${harnessDir(outputDir)}   (cross-builds runner.elf for QEMU ${variant.machine} with arm-none-eabi-gcc)`,
      `run:   make -C ${harnessDir(outputDir)} run ARGS='${inputFileNames(inputs)} OUTDIR'   (paths relative to ${harnessDir(outputDir)}; add -n N for N inferences)`,
      ...(size === undefined ? [] : [sizeLine(variant, size as SizeReport)]),
    ],
    measurement: cortexMMeasurement(variant),
  };
}

/** Flash and RAM of the cross build against the board's memory (MPS2_MEMORY, as mps2.ld lays it out). */
function sizeLine(variant: CortexMVariant, size: SizeReport): string {
  const { flash, ram } = size;
  return (
    `size of runner.elf on QEMU ${variant.machine}: flash ${flash.total} of ${MPS2_MEMORY.flashBytes} B (code ${flash.text}, constants ${flash.rodata} of which weights ${flash.weights}); ` +
    `RAM ${ram.staticBytes + MPS2_MEMORY.stackReserveBytes} of ${MPS2_MEMORY.ramBytes} B (static data ${ram.staticBytes} with the arena's ${ram.arena}, stack reserve ${MPS2_MEMORY.stackReserveBytes} of which model_run needs ${ram.stack}) plus the runner's input/output buffers`
  );
}

export const cortexMPlugin: TargetPlugin = {
  name: "cortex-m",
  targets: CORTEX_M_VARIANTS.map(variantTarget),
  ops: [...CONV_DSP_OPS, ...CONV_DSP_BAND_OPS, ...DEPTHWISE_DSP_OPS, ...DEPTHWISE3X3_DSP_OPS, ...DEPTHWISE_ROWS_OPS, ...FULLY_CONNECTED_DSP_OPS, ...SVDF_DSP_OPS, ...LSTM_DSP_OPS],
};
