/**
 * Determinism by construction (issue 12): the optimizer's limits count work, never time, so a
 * compile starved of CPU gives the same files as one on an idle machine. Each model is compiled
 * by the CLI twice with every wall-clock safety net off (`--limit seconds=0`): once normally and
 * once stopped and resumed (SIGSTOP/SIGCONT) so that it runs 20 ms of every 100 ms, about a fifth
 * of a core. The output folders must be byte-identical. With the former 700 ms / 100 ms
 * deadlines, a fifth of a core changed the kws-cnn, ResNet and ulffd programs (and made ulffd's
 * k210 compile fail).
 *
 * The throttled compiles run side by side (each is held to 20 % anyway) while the normal ones run
 * two at a time; the test prints its wall time.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../src/io/npy.js";
import { randomTensor } from "../support/graphs.js";
import { sharedFor } from "../support/shared-skip.js";
import { inPool, killLiveProcesses, runProcess, type ProcessRun } from "../support/processes.js";

const EGRET = join(import.meta.dirname, "..", "..", "bin", "egret.js");
const STARVED = { runMs: 20, periodMs: 100 };

/** Every file under `dir` (relative path -> bytes). */
function folderFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

interface Case {
  readonly name: string;
  /** Arguments after `compile` (model and options), without -o. */
  readonly args: readonly string[];
}

function cases(shared: string, work: string): Case[] {
  const models = join(shared, "models");
  // The --quantize int8 model calibrates on 16 seeded pseudo-random digits (one .npy batch).
  const calib = join(work, "mnist-calib");
  mkdirSync(calib, { recursive: true });
  writeNpy(join(calib, "digits.npy"), randomTensor([16, 1, 28, 28], 12, 0, 1));
  const kws = ["--input-shape", "conv2d_1_input=1x128x64x1"];
  return [
    { name: "kws-cnn-k210 mod.h5", args: [join(models, "tf/kws-cnn-k210/mod.h5"), ...kws] },
    { name: "kws-cnn-k210 mod.pb", args: [join(models, "tf/kws-cnn-k210/mod.pb"), ...kws] },
    { name: "pretrainedResnet.h5", args: [join(models, "tflite/mlperf-tiny/ic/pretrainedResnet.h5"), "--input-shape", "input_1=1x32x32x3"] },
    {
      name: "ulffd_landmark --target k210",
      args: [join(models, "kmodel/source/ulffd_landmark.tflite"), "--target", "k210", "--calib", join(models, "kmodel/source/landmark_images")],
    },
    { name: "person_detect --target cortex-m4", args: [join(models, "tflite/tflm-models/person_detect.tflite"), "--target", "cortex-m4"] },
    { name: "mnist --quantize int8", args: [join(models, "onnx/onnx2c/test/mnist/model.onnx"), "--quantize", "int8", "--calib", calib] },
  ];
}

const useShared = sharedFor("the CPU-starvation determinism test (kws-cnn-k210, pretrainedResnet.h5, ulffd_landmark, person_detect, MNIST int8)");
const work = mkdtempSync(join(tmpdir(), "egret-starved-"));
afterAll(() => {
  killLiveProcesses();
  rmSync(work, { recursive: true, force: true });
});

describe("determinism under CPU starvation", () => {
  it("six compiles starved to a fifth of a core, safety nets off, write byte-identical output folders", { timeout: 1_800_000 }, async (ctx) => {
    const shared = useShared(ctx);
    const started = performance.now();
    const all = cases(shared, work);
    const compile = (c: Case, out: string, duty?: typeof STARVED) => () =>
      runProcess([EGRET, "compile", ...c.args, "-o", out, "--limit", "seconds=0"], duty);
    const starved = Promise.all(all.map((c, i) => compile(c, join(work, `starved-${i}`), STARVED)()));
    const normal = await inPool(all.map((c, i) => compile(c, join(work, `normal-${i}`))), 2);
    const throttled = await starved;

    const report = (run: ProcessRun) => `exit ${run.code}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`;
    all.forEach((c, i) => {
      const [plain, slow] = [normal[i]!, throttled[i]!];
      expect(plain.code, `${c.name} (normal) ${report(plain)}`).toBe(0);
      expect(slow.code, `${c.name} (starved) ${report(slow)}`).toBe(0);
      // It really was starved: stopped again and again (a late timer only stops it for longer).
      expect(slow.stops, c.name).toBeGreaterThanOrEqual(10);
      const want = folderFiles(join(work, `normal-${i}`));
      const got = folderFiles(join(work, `starved-${i}`));
      expect([...got.keys()], c.name).toEqual([...want.keys()]);
      expect(want.has("model.c") || want.has("model.kmodel"), c.name).toBe(true);
      for (const [file, bytes] of want) expect(got.get(file)!.equals(bytes), `${c.name}: ${file} differs`).toBe(true);
      console.log(`${c.name}: ${want.size} files identical; ${(plain.wallMs / 1000).toFixed(1)} s normal, ${(slow.wallMs / 1000).toFixed(1)} s starved (${slow.stops} stops)`);
    });
    console.log(`starvation test: ${((performance.now() - started) / 1000).toFixed(1)} s wall for ${all.length} models`);
  });
});
