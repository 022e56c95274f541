import { describe, expect, it } from "vitest";
import { buildGraph, EgretError, runGraph, Tensor, type Graph } from "../../src/index.js";
import { importCaffeWithNotes, readCaffeModel } from "../../src/importers/caffe/index.js";
import { bindMessage } from "../../src/importers/caffe/prototxt-bind.js";
import { parseTextFormat } from "../../src/importers/caffe/prototxt.js";
import { NetParameterType } from "../../src/importers/caffe/schema.js";

/**
 * Layer semantics on small synthetic nets, each checked against Caffe's definition computed in the
 * test. Blobs are written inline in the prototxt (an empty .caffemodel then supplies nothing).
 */
const NO_WEIGHTS = new Uint8Array(0);

function fromPrototxt(text: string): Graph {
  return buildGraph(readCaffeModel(NO_WEIGHTS, "empty.caffemodel", { text, name: "net.prototxt" }).raw);
}

/** The same net as a binary .caffemodel (the embedded-net path). */
function fromBinary(text: string): Graph {
  const plain = bindMessage(parseTextFormat(text, "net.prototxt"), NetParameterType, "net.prototxt");
  const bytes = NetParameterType.encode(NetParameterType.fromObject(plain)).finish();
  return importCaffeWithNotes(bytes, "net.caffemodel").graph;
}

const blob = (dims: readonly number[], values: readonly number[]) => `blobs { shape { ${dims.map((d) => `dim: ${d}`).join(" ")} } ${values.map((v) => `data: ${v}`).join(" ")} }`;
const input = (dims: readonly number[]) => `input: "x" input_shape { ${dims.map((d) => `dim: ${d}`).join(" ")} }`;
const ramp = (n: number, f = (i: number) => ((i * 7) % 11) - 5) => Array.from({ length: n }, (_, i) => f(i));
const tensor = (dims: readonly number[], values: readonly number[]) => Tensor.fromNumbers("float32", dims, values);

function run(graph: Graph, ...inputs: Tensor[]): number[][] {
  return runGraph(graph, inputs).map((t) => Array.from(t.toNumbers()));
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i]!, 4));
}

/** Caffe's pooling (pooling_layer.cpp), tap for tap, for one [H, W] plane. */
function caffePool(x: readonly number[], H: number, W: number, k: number, s: number, p: number, max: boolean): { out: number[]; oh: number; ow: number } {
  const pooled = (size: number) => {
    let o = Math.ceil((size + 2 * p - k) / s) + 1;
    if (p > 0 && (o - 1) * s >= size + p) o--;
    return o;
  };
  const [oh, ow] = [pooled(H), pooled(W)];
  const out: number[] = [];
  for (let ph = 0; ph < oh; ph++) {
    for (let pw = 0; pw < ow; pw++) {
      let hs = ph * s - p;
      let ws = pw * s - p;
      let he = Math.min(hs + k, H + p);
      let we = Math.min(ws + k, W + p);
      const size = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, H);
      we = Math.min(we, W);
      let acc = max ? -Infinity : 0;
      for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) acc = max ? Math.max(acc, x[h * W + w]!) : acc + x[h * W + w]!;
      out.push(max ? acc : acc / size);
    }
  }
  return { out, oh, ow };
}

describe("Caffe layers", () => {
  const geometries: readonly (readonly [number, number, number, number, number])[] = [
    [6, 6, 3, 2, 1], // ceil rounding with padding
    [5, 7, 2, 2, 1], // the last window would start in the end padding: Caffe clips it
    [7, 7, 3, 2, 0], // ceil without padding
    [4, 4, 2, 2, 0],
  ];
  for (const [H, W, k, s, p] of geometries) {
    for (const method of ["MAX", "AVE"] as const) {
      it(`Pooling ${method} ${H}x${W} kernel ${k} stride ${s} pad ${p} matches Caffe's rounding and divisor`, () => {
        const x = ramp(H * W, (i) => Math.sin(i * 1.7) * 3);
        const g = fromPrototxt(`${input([1, 1, H, W])}
          layer { name: "pool" type: "Pooling" bottom: "x" top: "y" pooling_param { pool: ${method} kernel_size: ${k} stride: ${s} pad: ${p} } }`);
        const want = caffePool(x, H, W, k, s, p, method === "MAX");
        expect(g.outputs[0]!.shape).toEqual([1, 1, want.oh, want.ow]);
        expectClose(run(g, tensor([1, 1, H, W], x))[0]!, want.out);
      });
    }
  }

  it("refuses the pooling edge case where Caffe's last window starts past the input", () => {
    expect(() => fromPrototxt(`${input([1, 1, 5, 5])} layer { name: "p" type: "Pooling" bottom: "x" top: "y" pooling_param { kernel_size: 1 stride: 3 } }`)).toThrow(/starts past the input/);
  });

  it("global pooling and FLOOR rounding", () => {
    const g = fromPrototxt(`${input([1, 2, 5, 5])}
      layer { name: "g" type: "Pooling" bottom: "x" top: "g" pooling_param { pool: AVE global_pooling: true } }
      layer { name: "f" type: "Pooling" bottom: "x" top: "f" pooling_param { pool: MAX kernel_size: 2 stride: 2 round_mode: FLOOR } }`);
    expect(g.outputs.map((o) => o.shape)).toEqual([[1, 2, 1, 1], [1, 2, 2, 2]]);
    const x = ramp(50, (i) => i);
    expectClose(run(g, tensor([1, 2, 5, 5], x))[0]!, [12, 37]);
  });

  it("BatchNorm divides the statistics by the scale factor; Scale adds its bias", () => {
    const mean = [1, -2];
    const variance = [4, 0.25];
    const factor = 2;
    const [gamma, beta] = [[3, -1], [0.5, 2]];
    const net = `${input([1, 2, 1, 3])}
      layer { name: "bn" type: "BatchNorm" bottom: "x" top: "x" batch_norm_param { eps: 0.001 }
        ${blob([2], mean.map((v) => v * factor))} ${blob([2], variance.map((v) => v * factor))} ${blob([1], [factor])} }
      layer { name: "sc" type: "Scale" bottom: "x" top: "x" scale_param { bias_term: true } ${blob([2], gamma)} ${blob([2], beta)} }`;
    const x = [0, 1, 2, 3, 4, 5];
    const want = x.map((v, i) => {
      const c = Math.floor(i / 3);
      return ((v - mean[c]!) / Math.sqrt(variance[c]! + 0.001)) * gamma[c]! + beta[c]!;
    });
    for (const g of [fromPrototxt(net), fromBinary(net)]) {
      // In-place layers become SSA versions; the last one is the output.
      expect(g.outputs.map((o) => o.name)).toEqual(["x/sc"]);
      expectClose(run(g, tensor([1, 2, 1, 3], x))[0]!, want);
    }
  });

  it("InnerProduct flattens from axis, honours transpose and keeps leading axes", () => {
    const w = ramp(6); // [3 outputs, 2 inputs]
    const b = [0.5, -1, 2];
    const x = [1, 2, 3, 4, 5, 6, 7, 8]; // [1, 2, 2, 2]: axis -1 makes 4 rows of K = 2
    const gemmRows = (xs: readonly number[]) => {
      const out: number[] = [];
      for (let r = 0; r < 4; r++) for (let o = 0; o < 3; o++) out.push(b[o]! + w[o * 2]! * xs[r * 2]! + w[o * 2 + 1]! * xs[r * 2 + 1]!);
      return out;
    };
    const g = fromPrototxt(`${input([1, 2, 2, 2])}
      layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 3 axis: -1 } ${blob([3, 2], w)} ${blob([3], b)} }`);
    expect(g.outputs[0]!.shape).toEqual([1, 2, 2, 3]);
    expectClose(run(g, tensor([1, 2, 2, 2], x))[0]!, gemmRows(x));
    // transpose: the weight is stored [K, N].
    const wt = [w[0]!, w[2]!, w[4]!, w[1]!, w[3]!, w[5]!];
    const t = fromPrototxt(`${input([4, 2])}
      layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 3 transpose: true } ${blob([2, 3], wt)} ${blob([3], b)} }`);
    expectClose(run(t, tensor([4, 2], x))[0]!, gemmRows(x));
  });

  it("Eltwise SUM with coefficients, PROD and MAX", () => {
    const g = fromPrototxt(`${input([1, 4])} input: "z" input_shape { dim: 1 dim: 4 }
      layer { name: "s" type: "Eltwise" bottom: "x" bottom: "z" top: "s" eltwise_param { coeff: 0.5 coeff: -2 } }
      layer { name: "d" type: "Eltwise" bottom: "x" bottom: "z" top: "d" eltwise_param { coeff: 1 coeff: -1 } }
      layer { name: "p" type: "Eltwise" bottom: "x" bottom: "z" bottom: "x" top: "p" eltwise_param { operation: PROD } }
      layer { name: "m" type: "Eltwise" bottom: "x" bottom: "z" top: "m" eltwise_param { operation: MAX } }`);
    const [x, z] = [[1, -2, 3, 4], [2, 2, -1, 0.5]];
    const out = run(g, tensor([1, 4], x), tensor([1, 4], z));
    expectClose(out[0]!, x.map((v, i) => 0.5 * v - 2 * z[i]!));
    expectClose(out[1]!, x.map((v, i) => v - z[i]!));
    expectClose(out[2]!, x.map((v, i) => v * z[i]! * v));
    expectClose(out[3]!, x.map((v, i) => Math.max(v, z[i]!)));
  });

  it("Slice, Concat, Split, Crop, Reshape, Flatten and Permute follow Caffe's shape rules", () => {
    const g = fromPrototxt(`${input([1, 6, 2, 3])} input: "ref" input_shape { dim: 1 dim: 1 dim: 1 dim: 2 }
      layer { name: "sl" type: "Slice" bottom: "x" top: "a" top: "b" top: "c" slice_param { slice_point: 1 slice_point: 4 } }
      layer { name: "sp" type: "Split" bottom: "c" top: "c1" top: "c2" }
      layer { name: "cat" type: "Concat" bottom: "c1" bottom: "a" concat_param { axis: 1 } top: "cat" }
      layer { name: "crop" type: "Crop" bottom: "b" bottom: "ref" top: "crop" crop_param { axis: 2 offset: 1 offset: 1 } }
      layer { name: "rs" type: "Reshape" bottom: "c2" top: "rs" reshape_param { shape { dim: 0 dim: -1 } axis: 1 } }
      layer { name: "fl" type: "Flatten" bottom: "x" top: "fl" flatten_param { axis: 1 end_axis: 2 } }
      layer { name: "pm" type: "Permute" bottom: "x" top: "pm" permute_param { order: 0 order: 3 } }`);
    expect(g.outputs.map((o) => `${o.name}:${o.shape.join("x")}`)).toEqual(["cat:1x3x2x3", "crop:1x3x1x2", "rs:1x2x6", "fl:1x12x3", "pm:1x3x6x2"]);
    const x = ramp(36, (i) => i);
    const [cat, crop, rs, fl, pm] = run(g, tensor([1, 6, 2, 3], x), tensor([1, 1, 1, 2], [0, 0]));
    expectClose(cat!, [...x.slice(24, 36), ...x.slice(0, 6)]);
    // b = channels 1..3; crop rows from 1 (of 2), columns 1..2 (of 3).
    expectClose(crop!, [1, 2, 3].flatMap((c) => [x[c * 6 + 4]!, x[c * 6 + 5]!]));
    expectClose(rs!, x.slice(24, 36));
    expectClose(fl!, x);
    // order [0, 3] then the unlisted axes 1, 2: [1, W, C, H].
    const permuted: number[] = [];
    for (let w = 0; w < 3; w++) for (let c = 0; c < 6; c++) for (let h = 0; h < 2; h++) permuted.push(x[(c * 2 + h) * 3 + w]!);
    expectClose(pm!, permuted);
  });

  it("Power, ReLU with negative_slope, ReLU6, PReLU and LRN WITHIN_CHANNEL", () => {
    const g = fromPrototxt(`${input([1, 2, 2, 2])}
      layer { name: "pw" type: "Power" bottom: "x" top: "pw" power_param { power: 2 scale: 0.5 shift: 1 } }
      layer { name: "lr" type: "ReLU" bottom: "x" top: "lr" relu_param { negative_slope: 0.1 } }
      layer { name: "r6" type: "ReLU6" bottom: "x" top: "r6" }
      layer { name: "pr" type: "PReLU" bottom: "x" top: "pr" ${blob([2], [0.25, -3])} }
      layer { name: "ln" type: "LRN" bottom: "x" top: "ln" lrn_param { local_size: 3 alpha: 0.3 beta: 0.75 norm_region: WITHIN_CHANNEL } }`);
    const x = [-4, -1, 0.5, 7, 2, -3, 6.5, -0.25];
    const [pw, lr, r6, pr, ln] = run(g, tensor([1, 2, 2, 2], x));
    expectClose(pw!, x.map((v) => (1 + 0.5 * v) ** 2));
    expectClose(lr!, x.map((v) => (v > 0 ? v : 0.1 * v)));
    expectClose(r6!, x.map((v) => Math.min(Math.max(v, 0), 6)));
    expectClose(pr!, x.map((v, i) => (v > 0 ? v : (i < 4 ? 0.25 : -3) * v)));
    // Within a 2x2 plane and a 3x3 window padded by 1, every window covers the whole plane.
    expectClose(ln!, x.map((v, i) => {
      const plane = x.slice(Math.floor(i / 4) * 4, Math.floor(i / 4) * 4 + 4);
      const avg = plane.reduce((a, b) => a + b * b, 0) / 9;
      return v * (1 + 0.3 * avg) ** -0.75;
    }));
  });

  it("legacy V1 layers with 4-D blobs and Convolution spellings (kernel_h/w, pad_h/w, stride_h/w, dilation, group)", () => {
    const weights = ramp(2 * 1 * 2 * 3, (i) => (i % 5) - 2);
    const net = `${input([1, 2, 5, 6])}
      layers { name: "c" type: CONVOLUTION bottom: "x" top: "y"
        convolution_param { num_output: 2 group: 2 kernel_h: 2 kernel_w: 3 pad_h: 1 pad_w: 0 stride_h: 2 stride_w: 1 dilation: 2 }
        blobs { num: 2 channels: 1 height: 2 width: 3 ${weights.map((v) => `data: ${v}`).join(" ")} }
        blobs { num: 1 channels: 1 height: 1 width: 2 data: 0.5 data: -1 } }`;
    const x = ramp(60, (i) => Math.cos(i));
    const conv = (c: number, oy: number, ox: number) => {
      let acc = c === 0 ? 0.5 : -1;
      for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = oy * 2 - 1 + ky * 2;
        const ix = ox + kx * 2;
        if (iy >= 0 && iy < 5 && ix < 6) acc += weights[c * 6 + ky * 3 + kx]! * x[c * 30 + iy * 6 + ix]!;
      }
      return acc;
    };
    const want: number[] = [];
    for (let c = 0; c < 2; c++) for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 2; ox++) want.push(conv(c, oy, ox));
    for (const g of [fromPrototxt(net), fromBinary(net)]) {
      expect(g.outputs[0]!.shape).toEqual([1, 2, 3, 2]);
      expectClose(run(g, tensor([1, 2, 5, 6], x))[0]!, want);
    }
  });

  it("Deconvolution maps to ConvTranspose with Caffe's output size", () => {
    const g = fromPrototxt(`${input([1, 1, 3, 3])}
      layer { name: "up" type: "Deconvolution" bottom: "x" top: "y" convolution_param { num_output: 2 kernel_size: 4 stride: 2 pad: 1 bias_term: false } ${blob([1, 2, 4, 4], ramp(32))} }`);
    expect(g.nodes.map((n) => n.op)).toEqual(["ConvTranspose"]);
    expect(g.outputs[0]!.shape).toEqual([1, 2, 6, 6]);
  });

  it("names the layer and type of every refusal", () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      [`${input([1, 1, 2, 2])} layer { name: "odd" type: "Mystery" bottom: "x" top: "y" }`, /layer "odd" \(Mystery\): Caffe layer type "Mystery" is not supported/],
      [`${input([1, 1, 2, 2])} layer { name: "c" type: "Convolution" bottom: "x" top: "y" convolution_param { num_output: 1 kernel_size: 1 } }`, /layer "c" \(Convolution\): has no weight blob/],
      [`${input([1, 1, 2, 2])} layer { name: "c" type: "Convolution" bottom: "x" top: "y" convolution_param { num_output: 1 } ${blob([1, 1, 1, 1], [1])} }`, /convolution_param.kernel_size is missing/],
      [`${input([1, 1, 2, 2])} layer { name: "r" type: "ReLU" bottom: "nope" top: "y" }`, /layer "r" \(ReLU\): reads blob "nope"/],
      [`${input([1, 1, 2, 2])} layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 2 } ${blob([3, 4], ramp(12))} }`, /weight blob has shape \[3,4\].*need \[2,4\]/],
      ['input: "x" layer { name: "r" type: "ReLU" bottom: "x" top: "y" }', /input "x" has no static shape/],
    ];
    for (const [net, message] of cases) {
      let error: unknown;
      try {
        fromPrototxt(net);
      } catch (e) {
        error = e;
      }
      expect(error, net).toBeInstanceOf(EgretError);
      expect((error as EgretError).message).toMatch(message);
    }
  });
});
