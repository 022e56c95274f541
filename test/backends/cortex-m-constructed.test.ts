import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anomalyDetectionAutoencoder, depthwiseStride2, fullyConnectedTails, int8Input, streamingWakeWord } from "../../bench/constructed-models.js";
import { egret, runGraph, Tensor } from "../../src/index.js";

/** One measured run on the cortex-m4 QEMU board (the library's measurement of the target plugin). */
const measureOnTarget = (graph: Parameters<typeof egret.measure>[0], r: { kernels: "generic" | "optimised"; inputs: Uint8Array[]; dir: string }) =>
  egret.measure(graph, "cortex-m4", { ...r, inferences: 2, perOp: false, sourceName: graph.name });

/**
 * Networks built in code with the shapes of MCU models that are not in ../shared (issue 15), run
 * under QEMU on Cortex-M4 with the generic and the optimised kernels: outputs bit-exact with each
 * other and with the TypeScript evaluator (the native SMLAD/SXTAB16 asm paths run here; the host
 * tests cover only the portable C), the AD arena within TFLite Micro's for the same model, and
 * every depthwise layer of the depthwise networks on the general DSP kernel.
 */
const work = mkdtempSync(join(tmpdir(), "egret-cm-constructed-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** TFLite Micro + CMSIS-NN's arena for MLPerf Tiny AD with int8 I/O (issue 15's table). */
const TFLM_AD_ARENA = 2580;

describe("constructed int8 networks under QEMU (cortex-m4)", () => {
  /** Runs `graph` with both kernel sets on one seeded input: both bit-exact with the evaluator, whose outputs spread. */
  const bothBitExact = (graph: ReturnType<typeof fullyConnectedTails>, seed: number, distinct: number) => {
    const input = int8Input(graph, seed);
    const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.bytes());
    expect(new Set(want).size, "outputs spread over the int8 range").toBeGreaterThan(distinct);
    const generic = measureOnTarget(graph, { kernels: "generic", inputs: [input], dir: join(work, `${graph.name}-generic`) });
    const fast = measureOnTarget(graph, { kernels: "optimised", inputs: [input], dir: join(work, `${graph.name}-optimised`) });
    expect(Array.from(generic.outputs[0]!)).toEqual(want);
    expect(Array.from(fast.outputs[0]!)).toEqual(want);
    return { generic, fast };
  };

  it("AD autoencoder 640-128x4-8-128x4-640: DSP FC bit-exact, scratch-free, arena <= TFLM's, fewer instructions", () => {
    const { generic, fast } = bothBitExact(anomalyDetectionAutoencoder(), 7, 100);
    expect(fast.program.nodes.map((n) => n.op)).toEqual(new Array<string>(10).fill("QFullyConnectedDsp"));
    expect(fast.size.ram.arena).toBe(generic.size.ram.arena);
    expect(fast.size.ram.arena).toBeLessThanOrEqual(TFLM_AD_ARENA);
    expect(fast.instructionsPerInference).toBeLessThan(generic.instructionsPerInference / 3);
  });

  it("FC tails (3 rows; K % 4 = 1, 2; O % 4 = 1, 2; 1 to 17 groups of 4 k): packed DSP FC bit-exact with the generic kernels and the evaluator", () => {
    const { fast } = bothBitExact(fullyConnectedTails(), 11, 5);
    expect(fast.program.nodes.map((n) => n.op)).toEqual(new Array<string>(4).fill("QFullyConnectedDsp"));
  });

  for (const [name, build] of [["depthwise 3x1, 5x5, 7x7 at stride 2", depthwiseStride2], ["streaming-wake-word-like stack (Nx1 depthwise, dilated and strided)", streamingWakeWord]] as const) {
    it(`${name}: a DSP depthwise kernel is selected and bit-exact with the generic kernels and the evaluator`, () => {
      const graph = build();
      const input = int8Input(graph, 7);
      const want = Array.from(runGraph(graph, [Tensor.fromBytes("int8", graph.inputs[0]!.shape, input)])[0]!.bytes());
      const generic = measureOnTarget(graph, { kernels: "generic", inputs: [input], dir: join(work, `${graph.name}-generic`) });
      const fast = measureOnTarget(graph, { kernels: "optimised", inputs: [input], dir: join(work, `${graph.name}-optimised`) });
      expect(Array.from(generic.outputs[0]!)).toEqual(want);
      expect(Array.from(fast.outputs[0]!)).toEqual(want);
      const depthwise = graph.nodes.filter((n) => n.op === "QDepthwiseConv2D").length;
      expect(depthwise).toBeGreaterThanOrEqual(3);
      // The general DSP kernel, or the channel-planar rows kernel where the cost model prices it lower.
      expect(fast.program.nodes.filter((n) => n.op === "QDepthwiseConv2DDsp" || n.op === "QDepthwiseConv2DRowsDsp")).toHaveLength(depthwise);
      expect(fast.instructionsPerInference).toBeLessThan(generic.instructionsPerInference / 3);
    });
  }
});
