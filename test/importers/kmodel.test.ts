/**
 * kmodel reader and runner on nncase's own files (../shared/models/kmodel), plus a mutation test:
 * a corrupt file is an EgretError naming what is wrong, never a crash.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { parseKmodel } from "../../src/importers/kmodel/index.js";
import { runKmodelV4 } from "../../src/importers/kmodel/run-v4.js";
import { describeKmodel, formatKmodelInfo } from "../../src/cli/kmodel.js";
import { sniffFormat } from "../../src/importers/sniff.js";
import { EgretError } from "../../src/errors.js";
import { Tensor } from "../../src/index.js";
import { importModelFile } from "../../src/importers/index.js";
import { runGraph } from "../../src/interp/run.js";
import { pearson } from "../support/stats.js";
import { sharedFor } from "../support/shared-skip.js";
import { SHARED_DIR } from "../support/testdata.js";

const useShared = sharedFor("kmodel reader tests");
const dir = join(SHARED_DIR, "models", "kmodel");
const load = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(dir, rel)));
const floats = (b: Uint8Array): Float32Array => new Float32Array(b.slice().buffer);

/** A JPEG as planar RGB uint8 (what the K210 examples feed the KPU). */
function planarRgb(path: string): Uint8Array {
  const img = jpeg.decode(readFileSync(path), { useTArray: true });
  const n = img.width * img.height;
  const out = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = img.data[4 * i + c]!;
  return out;
}

describe("kmodel files from nncase", () => {
  it("parses every v3 and v4 file and lists it", (ctx) => {
    useShared(ctx);
    const files = ["v3", "v4"].flatMap((v) => readdirSync(join(dir, v)).filter((f) => f.endsWith(".kmodel")).map((f) => `${v}/${f}`));
    expect(files.length).toBe(5);
    for (const f of files) {
      const bytes = load(f);
      expect(sniffFormat(bytes, f)).toBe("kmodel");
      const model = parseKmodel(bytes, f);
      expect(model.version).toBe(f.startsWith("v3") ? 3 : 4);
      const info = describeKmodel(model, f);
      expect(formatKmodelInfo(info)).toContain(`kmodel v${model.version}`);
      expect(info.layers.length).toBeGreaterThan(0);
    }
    // Figures stated in K210-KPU.md §4.2/§4.3.
    const slim = describeKmodel(parseKmodel(load("v4/slim-320.kmodel")), "slim");
    expect(slim.layers.length).toBe(73);
    const yolo = parseKmodel(load("v3/yolo.kmodel"));
    expect(yolo.version === 3 && yolo.layers.length).toBe(17);
    const iris3 = parseKmodel(load("v3/iris.kmodel"));
    expect(iris3.version === 3 && [iris3.mainMemUsage, iris3.layers.map((l) => l.size)]).toEqual([56, [228, 160]]);
  });

  it("EX3/EX4 register checks of the spec: yolo 1x1 512→1024 chunking, slim-320 first layer offsets", (ctx) => {
    useShared(ctx);
    const yolo = parseKmodel(load("v3/yolo.kmodel"));
    if (yolo.version !== 3) throw new Error("v3 expected");
    const big = yolo.layers.find((l) => l.kpu && l.kpu.layer.args.iChNum === 511 && l.kpu.layer.args.oChNum === 1023 && l.kpu.layer.args.kernelType === 0);
    expect(big?.kpu?.layer.args).toMatchObject({ oChNumCoef: 59, loadTime: 17, paraSize: 30720 });
    const slim = parseKmodel(load("v4/slim-320.kmodel"));
    if (slim.version !== 4) throw new Error("v4 expected");
    expect(slim.nodes[0]!.body.kpu!.layer.args).toMatchObject({ argX: -151, argW: -128, argAdd: 173952, padValue: 128 });
  });

  it("runs the v4 iris model: the example prints 16.077795, 5.607656, -2.071745", (ctx) => {
    useShared(ctx);
    const model = parseKmodel(load("v4/iris.kmodel"));
    if (model.version !== 4) throw new Error("v4 expected");
    const out = floats(runKmodelV4(model, [new Uint8Array(Float32Array.from([5.1, 3.8, 1.9, 0.4]).buffer)])[0]!);
    expect([...out].map((v) => v.toFixed(6))).toEqual(["16.077795", "5.607656", "-2.071745"]);
  });

  it("runs slim-320 on face.jpg; its outputs track the float reference face.bin (boxes then scores)", (ctx) => {
    useShared(ctx);
    const model = parseKmodel(load("v4/slim-320.kmodel"));
    if (model.version !== 4) throw new Error("v4 expected");
    const [scores, boxes] = runKmodelV4(model, [planarRgb(join(dir, "source", "face.jpg"))]).map(floats) as [Float32Array, Float32Array];
    const ref = floats(load("source/face.bin"));
    expect(scores.length + boxes.length).toBe(ref.length);
    const refBoxes = ref.subarray(0, boxes.length), refScores = ref.subarray(boxes.length);
    // Softmax pairs sum to 1 up to the uint8 output quantization (measured: within 0.009);
    // scores follow the reference closely, boxes within quantization noise.
    for (let i = 0; i < scores.length; i += 2) expect(Math.abs(scores[i]! + scores[i + 1]! - 1)).toBeLessThan(0.02);
    expect(pearson(scores, refScores)).toBeGreaterThan(0.99);
    expect(pearson(boxes, refBoxes)).toBeGreaterThan(0.8);
    // The face is found: the best face score sits where the reference's does (same anchor).
    const argmax = (a: ArrayLike<number>): number => { let b = 1; for (let i = 1; i < a.length; i += 2) if (a[i]! > a[b]!) b = i; return b; };
    expect(refScores[argmax(scores)]!).toBeGreaterThan(0.9);
  });

  it("runs ulffd_landmark on a calibration image; its outputs track the float TFLite model (pixels/255)", (ctx) => {
    useShared(ctx);
    const model = parseKmodel(load("v4/ulffd_landmark.kmodel"));
    if (model.version !== 4) throw new Error("v4 expected");
    const path = join(dir, "source", "landmark_images", "20.jpg");
    const rgb = planarRgb(path);
    expect(rgb.length).toBe(3 * 240 * 320);
    const outs = runKmodelV4(model, [rgb]).map(floats);
    expect(outs.map((o) => o.length)).toEqual(model.outputs.map((r) => r.size / 4));
    for (const o of outs) expect(o.every(Number.isFinite)).toBe(true);
    // The float model on the same pixels in NHWC [0, 1] (nncase's default image preprocessing).
    const graph = importModelFile(join(dir, "source", "ulffd_landmark.tflite"));
    const n = 240 * 320;
    const nhwc = Float32Array.from({ length: 3 * n }, (_, j) => rgb[(j % 3) * n + Math.floor(j / 3)]! / 255);
    const ref = runGraph(graph, [Tensor.fromNumbers("float32", graph.inputs[0]!.shape, nhwc)]);
    // measured on 20.jpg: 0.939, 0.936, 0.991 (landmark offsets, boxes, scores)
    outs.forEach((o, i) => expect(pearson(o, ref[i]!.toNumbers())).toBeGreaterThan(0.9));
  });

  it("turns 3000 corrupted files into EgretErrors, never crashes", (ctx) => {
    useShared(ctx);
    const sources = ["v3/iris.kmodel", "v4/iris.kmodel", "v4/slim-320.kmodel"].map(load);
    const mutation = fc.record({
      file: fc.integer({ min: 0, max: sources.length - 1 }),
      kind: fc.constantFrom("byte", "word", "truncate"),
      at: fc.nat(),
      value: fc.nat({ max: 0xffffffff }),
    });
    let rejected = 0;
    fc.assert(fc.property(mutation, (m) => {
      const src = sources[m.file]!;
      // Mutations target the header and layer tables mostly (where offsets and sizes live).
      const limit = m.file === 2 ? 4096 : src.length;
      const pos = m.at % limit;
      let bytes: Uint8Array;
      if (m.kind === "truncate") bytes = src.slice(0, pos);
      else {
        bytes = src.slice();
        if (m.kind === "byte") bytes[pos] = m.value & 255;
        else new DataView(bytes.buffer).setUint32(Math.min(pos & ~3, bytes.length - 4), m.value, true);
      }
      try {
        parseKmodel(bytes, "mutant.kmodel");
      } catch (e) {
        if (!(e instanceof EgretError)) throw e;
        expect(e.message).toMatch(/mutant\.kmodel|kmodel|KPU/);
        rejected++;
      }
    }), { numRuns: 3000, seed: 7 });
    expect(rejected).toBeGreaterThan(300);
  });
});
