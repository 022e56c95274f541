/**
 * The `k210` target (Kendryte K210: two RV64GC cores at 400 MHz, 6 MiB SRAM, the KPU with 2 MiB of
 * its own SRAM). The rules of rules/targets/k210.rules offer each KPU-legal convolution as a
 * `KpuConv2DCandidate`, extraction under the k210-kpu cost model picks KPU or CPU per layer, and
 * `lower` quantises the extracted candidates into `KpuConv2D` layers from calibration; the rest
 * stays float C for the RISC-V cores. Output: the host files (model.c calls the
 * KPU driver, whose host implementation is the bit-accurate simulator), the simulator and driver
 * sources, a Makefile that also builds `runner-rv64` with riscv64-linux-gnu-gcc (static), and
 * `model.kmodel` (kmodel v4, kmodel-writer.ts) when every op has a v4 counterpart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EmittedModel } from "../../src/emit/emit-model.js";
import { withPatchBandPrices } from "../../costmodels/patch-bands.js";
import { EgretError, fail } from "../../src/errors.js";
import { DTYPES } from "../../src/ir/dtype.js";
import type { Graph } from "../../src/ir/graph.js";
import { RULES_DIR, RUNTIME_C_DIR } from "../../src/paths.js";
import { copyRuntimeUnits, inputFileNames, STRICT_CFLAGS } from "../../src/emit/output-files.js";
import type { LowerContext, Target } from "../../src/pipeline/target.js";
import { k210Kpu } from "./cost-model.js";
import { seededRandomInputs } from "./calibrate.js";
import { lowerForK210 } from "./lower.js";
import { writeKmodel, type KmodelSummary } from "./kmodel/writer.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";
import { kmodelWanted, uint8InputOf } from "./options.js";
import { k210Report, kpuParameterBytes } from "./report.js";
import { estimateKmodelFileLatency } from "./latency.js";
import { foldUint8Inputs, frameInputs, uint8InputQuant } from "./uint8-input.js";
import { KPU_RAM_BYTES } from "./kpu-ram.js";
import { chainKpuLayers, expandKpuChains } from "./kpu-chain.js";
import { fuseKpuPools } from "./kpu-pool-fusion.js";
import { handOverUint8Maps } from "./kpu-u8-handover.js";
import { requantiseKpuConcats } from "./kpu-requant-concat.js";
import { framesInKpuRamBytes, kpuFrameHeader, placeKpuFrames } from "./kpu-frame.js";
import { keepMapsInKpuRam, kpuRamTopBytes } from "./kpu-resident-maps.js";
import { downloadNhwc } from "./kpu-nhwc-download.js";
import { foldDilatedConvs } from "./kpu-dilated-fold.js";
import type { CompileSummary } from "../../src/pipeline/compile.js";

/** The lowering rules that offer KPU candidates to extraction (their guard: kpu-guards.ts). */
export const K210_RULES = join(RULES_DIR, "targets", "k210.rules");
/** General SRAM of the K210 (§1.1): MEM0 4 MiB + MEM1 2 MiB. */
export const K210_MAIN_SRAM_BYTES = 6 * 1024 * 1024;
/** Seeded random samples the CLI calibrates with when no calibration data is given. */
export const FALLBACK_CALIBRATION_SAMPLES = 2;

/**
 * Bytes of main SRAM the program needs: arena (intermediates), the graph's input and output buffers
 * (the caller's, outside the arena, but on the K210 they share the same 6 MiB; a uint8 frame that
 * fits in KPU RAM above the layers' maps lives there, kpu-frame.ts), float weights and KPU layer
 * parameters.
 */
export function mainMemoryBytes(model: EmittedModel, program: Graph): { arena: number; io: number; weights: number; kpuParams: number; total: number } {
  let kpuParams = 0;
  for (const node of expandKpuChains(program).nodes) if (node.op === KPU_CONV2D) kpuParams += kpuParameterBytes(node);
  const arena = model.plan.arena.size;
  const inKpuRam = framesInKpuRamBytes(placeKpuFrames(program, kpuRamTopBytes(program)));
  const io = [...program.inputs, ...program.outputs].reduce((sum, v) => sum + v.shape.reduce((a, b) => a * b, 1) * DTYPES[v.dtype].bytes, 0) - inKpuRam;
  return { arena, io, weights: model.weightBytes, kpuParams, total: arena + io + model.weightBytes + kpuParams };
}

/**
 * The KPU lowering with its calibration: the compile's calibration inputs, or (loudly) seeded
 * random ones; one input only also warns, since its ranges saturate on other inputs. With
 * `--input-type uint8` the frame inputs' quantisation is fixed and folded into the program.
 */
export function lowerWithCalibration(program: Graph, context: LowerContext): Graph {
  let samples = context.calibration;
  if (samples === undefined) {
    context.diagnostics.warn(
      "k210",
      `NO CALIBRATION DATA. Quantising the KPU layers from ${FALLBACK_CALIBRATION_SAMPLES} SEEDED RANDOM uniform [0,1) inputs; ` +
        "accuracy on real data may be poor. Pass calibration inputs with --calib PATH (images or .npy/.npz/.bin files) for a usable model.",
    );
    samples = seededRandomInputs(program, FALLBACK_CALIBRATION_SAMPLES);
  }
  const spec = uint8InputOf(context.targetOptions);
  const frameQuant = spec === undefined ? undefined : uint8InputQuant(spec);
  const inputQuant = frameQuant === undefined ? undefined : new Map(frameInputs(program).map((v) => [v.name, frameQuant]));
  const lowered = lowerForK210(program, samples, context.ops, inputQuant === undefined ? {} : { inputQuant });
  if (samples.length === 1 && lowered.kpuLayers.length > 0) {
    // Ranges are min/max over the calibration inputs; other inputs exceed one input's ranges and
    // saturate the uint8 maps (ulffd_landmark, test/backends/k210-calib.test.ts: worst output
    // error on a held-out image 26.2 % of the range from one image, 17.0 % from three).
    context.diagnostics.warn("k210", "calibrated on a single input; the KPU layers' uint8 ranges come from it alone and saturate on inputs that exceed them. Give several representative inputs to --calib.");
  }
  const folded = frameQuant === undefined ? lowered.program : foldUint8Inputs(lowered.program, frameQuant);
  // Pools run in the KPU layers' pool stage (kpu-pool-fusion.ts, as in the kmodel), then consecutive
  // KPU layers hand their maps over in KPU RAM in the C program (kpu-chain.ts);
  // maps that only KPU layers of one quantisation read go over as uint8 bytes (kpu-u8-handover.ts),
  // and so do concats of KPU maps that only such layers read (kpu-requant-concat.ts).
  // Maps that only KPU chains read then wait in KPU RAM instead of main memory (kpu-resident-maps.ts),
  // and KPU outputs only a Transpose to NHWC reads are downloaded NHWC (kpu-nhwc-download.ts).
  // Dilated convs gather and scatter their phases one at a time (kpu-dilated-fold.ts).
  return foldDilatedConvs(downloadNhwc(keepMapsInKpuRam(requantiseKpuConcats(handOverUint8Maps(chainKpuLayers(fuseKpuPools(folded)))))));
}

/** The C program's memory, once: main RAM (arena + inputs/outputs) and weights against the main SRAM, and KPU RAM. */
function memoryLine(summary: CompileSummary): string {
  const figures = summary.targetReport ?? {};
  const main = figures["mainRamBytes"] === undefined ? `arena ${summary.arenaBytes} B` : `main RAM ${figures["mainRamBytes"]} B (arena ${summary.arenaBytes} + inputs/outputs)`;
  const kpu = figures["kpuRamBytes"] === undefined ? "" : `; KPU RAM ${figures["kpuRamBytes"]} of ${KPU_RAM_BYTES} B`;
  return `memory: ${main} + weights ${summary.weightsBytes} B of the K210's ${K210_MAIN_SRAM_BYTES} B main SRAM${kpu} (no cross size report for this target)`;
}

/** What model.h says about state and errors on this target (the KPU and its RAM are one device). */
export const K210_STATE_NOTE = [
  "Returns 0, or the status of the first KPU call that failed (kpu_sim_status_t, kpu_sim.h; built",
  "with the device driver, -DEG_KPU_DEVICE, also EG_KPU_ERR_* of kpu_device.h, e.g. calc_done not",
  "seen within EG_KPU_POLL_LIMIT status reads): the run stops there and the outputs are not valid.",
  "No allocation, but global state: the KPU and its 2 MiB of RAM (a static buffer in the host",
  "simulator; the KPU's own registers and SRAM with -DEG_KPU_DEVICE) are one device, so model_run",
  "is NOT reentrant: run one inference at a time, from one core. model_kpu.h says where in KPU RAM",
  "a uint8 frame input may live instead of main memory (write it through eg_kpu_frame, kpu_driver.h).",
].join("\n");

/** How model.c/model.h are emitted for this target: model_run returns the KPU driver's status; the heads of a detector write straight into their slices of the concat (concatInPlace). */
export const K210_EMIT_OPTIONS = { fallibleRun: { stateNote: K210_STATE_NOTE }, concatInPlace: true } as const;

/** The summary of each program's kmodel, for the compile report (written once per compile). */
const kmodelSummaries = new WeakMap<Graph, KmodelSummary>();

/** `--target k210`. */
export const k210Target: Target = {
  name: "k210",
  description: "Kendryte K210: convolutions on the KPU (uint8, simulated on the host), the rest as C for the RV64 cores",
  costModel: withPatchBandPrices(k210Kpu),
  ruleFiles: [K210_RULES],
  ownQuantization: "--target k210 quantises the KPU layers itself (uint8, K210-KPU.md §3.6); drop --quantize and give --calib PATH",
  lower: lowerWithCalibration,
  files: (model, program) => k210Files(model, program),
  binaryFiles: (_model, program, context) => (kmodelWanted(context.targetOptions) ? kmodelFiles(program) : new Map()),
  // The targets of the generated Makefile (below): ./runner (KPU simulated) and the static runner-rv64.
  runHint: (outputDir, inputs, summary) => [
    `build: make -C ${outputDir}   (./runner for this machine, KPU simulated)   or   make -C ${outputDir} runner-rv64   (static RV64 Linux binary)`,
    `run:   ${join(outputDir, "runner")} ${inputFileNames(inputs)} OUTDIR   or   qemu-riscv64 ${join(outputDir, "runner-rv64")} ${inputFileNames(inputs)} OUTDIR`,
    memoryLine(summary),
  ],
  emitOptions: K210_EMIT_OPTIONS,
  report: (model, program, binaryFiles, ops) => {
    const kmodel = binaryFiles.get("model.kmodel");
    if (kmodel === undefined) return k210Report(model, program, undefined, ops);
    return k210Report(model, program, kmodelSummaries.get(program), ops, estimateKmodelFileLatency(kmodel));
  },
};

/**
 * `model.kmodel` (v4) next to the C files. A program with an op that kmodel v4 cannot express is an
 * error naming the node; `--no-kmodel` (CompileOptions.binaryFiles = false) compiles the C alone.
 */
export function kmodelFiles(program: Graph): Map<string, Uint8Array> {
  try {
    const written = writeKmodel(program);
    kmodelSummaries.set(program, written.summary);
    return new Map([["model.kmodel", written.bytes]]);
  } catch (e) {
    if (!(e instanceof EgretError) || e.code !== "unsupported-op") throw e;
    return fail("unsupported-op", "target k210", `model.kmodel cannot be written: ${e.message}; pass --no-kmodel to write the C program only`);
  }
}

function k210Files(model: EmittedModel, program: Graph): Map<string, string> {
  const mem = mainMemoryBytes(model, program);
  if (mem.total > K210_MAIN_SRAM_BYTES) {
    fail(
      "bad-option",
      "target k210",
      `the model needs ${mem.total} bytes of main SRAM (arena ${mem.arena} + inputs/outputs ${mem.io} + weights ${mem.weights} + KPU layer parameters ${mem.kpuParams}), more than the K210's ${K210_MAIN_SRAM_BYTES} (6 MiB); use a smaller model or input, or another target`,
    );
  }
  const files = new Map<string, string>();
  files.set("model.c", model.modelC);
  files.set("model.h", model.modelH);
  const prefix = /#define (\w+)_ARENA_SIZE /.exec(model.modelH)?.[1] ?? "MODEL";
  const kpuRam = kpuRamTopBytes(program);
  files.set("model_kpu.h", kpuFrameHeader(prefix, placeKpuFrames(program, kpuRam), kpuRam));
  files.set("egret.h", readFileSync(join(RUNTIME_C_DIR, "egret.h"), "utf8"));
  const sources = ["model.c", "$(RUNNER_SRC)", ...copyRuntimeUnits(files, model.runtimeUnits), ...copyRuntimeUnits(files, KPU_UNITS, "kpu")];
  // The device driver's register access layer and the host's register-level KPU model (runner-device-model).
  for (const header of ["kpu_mmio.h", "kpu_model.h"]) files.set(header, readFileSync(join(RUNTIME_C_DIR, "kpu", header), "utf8"));
  files.set("kpu_model.c", readFileSync(join(RUNTIME_C_DIR, "kpu", "kpu_model.c"), "utf8"));
  files.set("runner.c", readFileSync(join(RUNTIME_C_DIR, "runner", "runner.c"), "utf8"));
  files.set("Makefile", makefile(sources));
  return files;
}

/**
 * The KPU runtime units in every k210 folder: the layout maths, the simulator, and the two drivers of
 * kpu_driver.h, one chosen at build time (kpu_driver.c by default, kpu_device.c with -DEG_KPU_DEVICE).
 */
const KPU_UNITS = ["kpu_layout", "kpu_sim", "kpu_driver", "kpu_device"];

function makefile(sources: readonly string[]): string {
  return [
    "# Generated by Egret for the K210. `make` builds ./runner for this machine (KPU = simulator);",
    "# `make runner-rv64` builds a static RV64 Linux binary (run it with qemu-riscv64).",
    "# usage: ./runner IN0.bin [IN1.bin ...] OUTDIR",
    "#",
    "# The KPU driver is chosen at build time (docs/k210.md): by default kpu_driver.c simulates the KPU;",
    "# -DEG_KPU_DEVICE builds kpu_device.c instead, which drives the K210's KPU registers (0x40800000) and",
    "# KPU RAM window (0x40600000) through kpu_mmio.h. Either way the KPU is ONE global device: model_run",
    "# is not reentrant. `make runner-device-model` runs the device driver on this machine against a",
    "# register-level KPU model (kpu_model.c); `make kpu-device-objs` cross-compiles the device driver",
    "# bare-metal (riscv64-unknown-elf-gcc -ffreestanding).",
    "CC ?= cc",
    "RV64_CC ?= riscv64-linux-gnu-gcc",
    "DEVICE_CC ?= riscv64-unknown-elf-gcc",
    "DEVICE_CFLAGS ?= -march=rv64imafdc -mabi=lp64d -O2 -std=c99 -Wall -Wextra -Werror -ffreestanding",
    "RUNNER_SRC ?= runner.c",
    // Contraction off: a fused multiply-add would round differently on RV64 and break bit-exactness.
    `CFLAGS ?= -O2 ${STRICT_CFLAGS} -ffp-contract=off`,
    "LDLIBS ?= -lm",
    `SRCS = ${sources.join(" ")}`,
    "",
    "runner: $(SRCS) $(wildcard *.h)",
    "\t$(CC) $(CFLAGS) -o $@ $(SRCS) $(LDFLAGS) $(LDLIBS)",
    "",
    "runner-rv64: $(SRCS) $(wildcard *.h)",
    "\t$(RV64_CC) $(CFLAGS) -static -o $@ $(SRCS) $(LDLIBS)",
    "",
    "runner-device-model: $(SRCS) kpu_model.c $(wildcard *.h)",
    "\t$(CC) $(CFLAGS) -DEG_KPU_DEVICE -DEG_KPU_MMIO_MODEL -o $@ $(SRCS) kpu_model.c $(LDFLAGS) $(LDLIBS)",
    "",
    "kpu-device-objs: kpu_device.c kpu_layout.c $(wildcard *.h)",
    "\t$(DEVICE_CC) $(DEVICE_CFLAGS) -DEG_KPU_DEVICE -c kpu_device.c kpu_layout.c",
    "",
    "clean:",
    "\trm -f runner runner-rv64 runner-device-model kpu_device.o kpu_layout.o",
    "",
    ".PHONY: clean kpu-device-objs",
    "",
  ].join("\n");
}
