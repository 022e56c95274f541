import type { EmitCtx } from "../../codegen/emit-ctx.js";
import { fail } from "../../errors.js";
import { attrInt, attrInts, checkOneOf, hasAttr, withAttrs } from "../attrs.js";
import { DTYPES, type DType } from "../dtype.js";
import { nodeLabel, type Node, type ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { registerOps } from "../registry.js";
import { normAxis, numel, shapeToString } from "../shape.js";
import { Tensor } from "../tensor.js";
import { dftLine, dftLineC, irfftLine, irfftLineC, twiddles } from "./dft-line.js";

/**
 * DFT (opset 17 and 20) and STFT. Signals are real ([..., 1]) or complex ([..., 2]) along their
 * last dimension. `dft_length`, DFT's opset-20 `axis` input and STFT's `frame_step` and
 * `frame_length` set output shapes, so they must be compile-time constants. The onesided inverse
 * is numpy's irfft (real output of dft_length, default 2·(m-1), samples), as the newest ONNX tests
 * expect for both opsets.
 */
const SIGNAL_DTYPES: readonly DType[] = ["float32", "float64"];

function checkSignal(node: Node, x: ValueInfo, minRank: number): 1 | 2 {
  if (!SIGNAL_DTYPES.includes(x.dtype)) fail("unsupported-dtype", nodeLabel(node), `${node.op} supports ${SIGNAL_DTYPES.join(", ")}, got ${x.dtype}`);
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < minRank || (c !== 1 && c !== 2)) {
    fail("bad-shape", nodeLabel(node), `the signal must have rank ${minRank} or more and end in 1 (real) or 2 (complex), got ${shapeToString(x.shape)}`);
  }
  return c;
}

function constScalar(node: Node, attr: string): number | undefined {
  if (!hasAttr(node, attr)) return undefined;
  const v = attrInts(node, attr);
  if (v.length !== 1) fail("bad-shape", nodeLabel(node), `${attr} must be a single value, got ${v.length}`);
  return v[0]!;
}

interface DftPlan {
  readonly mode: "forward" | "inverse" | "irfft";
  readonly outer: number;
  readonly m: number;
  readonly inner: number;
  readonly inC: 1 | 2;
  /** Samples (or, for irfft, bins) of each input line that are read. */
  readonly count: number;
  readonly n: number;
  /** Output entries along the axis: bins, or irfft samples. */
  readonly kOut: number;
  readonly outShape: number[];
}

function planDft(node: Node, x: ValueInfo): DftPlan {
  const inC = checkSignal(node, x, 2);
  const rank = x.shape.length;
  const raw = constScalar(node, "axis")!;
  const axis = normAxis(raw, rank);
  if (axis === undefined || axis === rank - 1) fail("bad-attribute", nodeLabel(node), `axis ${raw} must name a signal dimension of the rank-${rank} input, not the last (real/imaginary) one`);
  const m = x.shape[axis]!;
  const inverse = checkOneOf(node, "inverse", attrInt(node, "inverse", 0), [0, 1]) === 1;
  const onesided = checkOneOf(node, "onesided", attrInt(node, "onesided", 0), [0, 1]) === 1;
  const mode = !inverse ? "forward" : onesided ? "irfft" : "inverse";
  const n = constScalar(node, "dft_length") ?? (mode === "irfft" ? 2 * (m - 1) : m);
  if (!(n >= 1)) fail("bad-attribute", nodeLabel(node), `dft_length ${n} must be at least 1`);
  const kOut = mode === "forward" && onesided ? Math.floor(n / 2) + 1 : n;
  const outShape = x.shape.map((d, i) => (i === axis ? kOut : i === rank - 1 ? (mode === "irfft" ? 1 : 2) : d));
  return {
    mode,
    outer: numel(x.shape.slice(0, axis)),
    m,
    inner: numel(x.shape.slice(axis + 1, rank - 1)),
    inC,
    count: Math.min(m, mode === "irfft" ? Math.floor(n / 2) + 1 : n),
    n,
    kOut,
    outShape,
  };
}

function evaluateDft(node: Node, x: Tensor): Tensor {
  const p = planDft(node, x);
  const data = x.toNumbers();
  const out = new Float64Array(numel(p.outShape));
  const outC = p.mode === "irfft" ? 1 : 2;
  const tw = twiddles(p.n);
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const line = { data, offset: (o * p.m * p.inner + i) * p.inC, stride: p.inner * p.inC, channels: p.inC, count: p.count };
      const y = { data: out, offset: (o * p.kOut * p.inner + i) * outC, stride: p.inner * outC };
      if (p.mode === "irfft") irfftLine(line, y, p.n, tw);
      else dftLine(line, y, p.kOut, p.n, tw, p.mode === "inverse");
    }
  }
  return Tensor.fromNumbers(x.dtype, p.outShape, out);
}

/** The twiddle tables of size n as shared `static const double` arrays. */
function twiddleArrays(ctx: EmitCtx, n: number): [string, string] {
  const tw = twiddles(n);
  return [ctx.constArray("double", Array.from(tw.cos)), ctx.constArray("double", Array.from(tw.sin))];
}

function emitDft(node: Node, ctx: EmitCtx): void {
  const x = ctx.info(node.inputs[0]!);
  const p = planDft(node, x);
  if (numel(p.outShape) === 0) {
    ctx.line("/* empty output: nothing to transform */");
    return;
  }
  const T = DTYPES[x.dtype].ctype;
  const sfx = DTYPES[x.dtype].suffix;
  const irfft = p.mode === "irfft";
  const line = irfft ? `eg_irfft_line_${sfx}` : `eg_dft_line_${sfx}`;
  ctx.define(line, irfft ? irfftLineC(T, sfx) : dftLineC(T, sfx));
  const fn = irfft ? `eg_irfft_${sfx}` : `eg_dft_${sfx}`;
  const call = irfft
    ? `${line}(x + base_in, inner * x_c, x_c, count, y + base_out, inner, n, cos_t, sin_t)`
    : `${line}(x + base_in, inner * x_c, x_c, NULL, count, y + base_out, inner * 2, k_out, n, cos_t, sin_t, inverse)`;
  ctx.define(
    fn,
    `/* ${irfft ? "Inverse real" : "Complex"} DFT of every line along the middle axis of [outer, m, inner, x_c]. */
static void ${fn}(const ${T} *x, ${T} *y, int32_t outer, int32_t m, int32_t inner, int32_t x_c, int32_t count,
    int32_t k_out, int32_t n, const double *cos_t, const double *sin_t, int32_t inverse) {
  int32_t o, i;
  ${irfft ? "(void)inverse;\n  " : ""}for (o = 0; o < outer; o++) {
    for (i = 0; i < inner; i++) {
      const size_t base_in = ((size_t)o * (size_t)m * (size_t)inner + (size_t)i) * (size_t)x_c;
      const size_t base_out = ((size_t)o * (size_t)k_out * (size_t)inner + (size_t)i) * ${irfft ? "1u" : "2u"};
      ${call};
    }
  }
}`,
  );
  const [cos, sin] = twiddleArrays(ctx, p.n);
  ctx.line(
    `${fn}(${ctx.ptr(node.inputs[0]!)}, ${ctx.ptr(node.outputs[0]!)}, ${p.outer}, ${p.m}, ${p.inner}, ${p.inC}, ${p.count}, ${p.kOut}, ${p.n}, ${cos}, ${sin}, ${p.mode === "inverse" ? 1 : 0});`,
  );
}

const DFT: OpDef = {
  name: "DFT",
  family: "signal",
  dataTypes: SIGNAL_DTYPES.join(", "),
  inputs: { min: 1, max: 3 },
  outputs: { min: 1, max: 1 },
  constInputs: [
    { index: 1, attr: "dft_length", reason: "(it sets the output shape)" },
    { index: 2, attr: "axis" },
  ],
  // The axis default moved from 1 (attribute, opset 17) to -2 (input, opset 20).
  canonicalize: (node, opset) => (hasAttr(node, "axis") ? node : withAttrs(node, { axis: opset >= 20 ? -2 : 1 })),
  infer(node, [x]) {
    return [{ dtype: x!.dtype, shape: planDft(node, x!).outShape }];
  },
  evaluate: (node, [x]) => [evaluateDft(node, x!)],
  emitC: emitDft,
  macs: (node, [x]) => {
    const p = planDft(node, x!);
    return p.outer * p.inner * p.kOut * p.count * 4;
  },
};

interface StftPlan {
  readonly batch: number;
  readonly length: number;
  readonly inC: 1 | 2;
  readonly step: number;
  readonly frameLength: number;
  readonly frames: number;
  readonly bins: number;
  readonly outShape: number[];
}

/** STFT: frames of frame_length samples, frame_step apart, each weighted by the window and transformed. */
function planStft(node: Node, signal: ValueInfo, window: ValueInfo | undefined): StftPlan {
  const inC = checkSignal(node, signal, 3);
  if (signal.shape.length !== 3) fail("bad-shape", nodeLabel(node), `the signal must be [batch, length, 1 or 2], got ${shapeToString(signal.shape)}`);
  const [batch, length] = signal.shape as [number, number, number];
  const step = constScalar(node, "frame_step");
  if (step === undefined || step < 1) fail("bad-attribute", nodeLabel(node), `frame_step ${step} must be at least 1`);
  if (window && (window.shape.length !== 1 || window.dtype !== signal.dtype)) {
    fail("bad-shape", nodeLabel(node), `the window must be a vector of ${signal.dtype}, got ${window.dtype}[${shapeToString(window.shape)}]`);
  }
  const given = constScalar(node, "frame_length");
  const frameLength = given ?? window?.shape[0] ?? length;
  if (window && window.shape[0] !== frameLength) fail("bad-shape", nodeLabel(node), `the window has ${window.shape[0]} entries, frame_length is ${frameLength}`);
  if (!(frameLength >= 1 && frameLength <= length)) fail("bad-shape", nodeLabel(node), `frame_length ${frameLength} must be 1 to the signal length ${length}`);
  const onesided = checkOneOf(node, "onesided", attrInt(node, "onesided", 1), [0, 1]) === 1;
  if (onesided && inC === 2) fail("bad-attribute", nodeLabel(node), "onesided = 1 needs a real signal; set onesided = 0 for a complex one");
  const frames = 1 + Math.floor((length - frameLength) / step);
  const bins = onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
  return { batch, length, inC, step, frameLength, frames, bins, outShape: [batch, frames, bins, 2] };
}

function evaluateStft(node: Node, signal: Tensor, window: Tensor | undefined): Tensor {
  const p = planStft(node, signal, window);
  const data = signal.toNumbers();
  const w = window?.toNumbers();
  const out = new Float64Array(numel(p.outShape));
  const tw = twiddles(p.frameLength);
  for (let b = 0; b < p.batch; b++) {
    for (let f = 0; f < p.frames; f++) {
      const line = { data, offset: (b * p.length + f * p.step) * p.inC, stride: p.inC, channels: p.inC, count: p.frameLength, ...(w ? { window: w } : {}) };
      dftLine(line, { data: out, offset: (b * p.frames + f) * p.bins * 2, stride: 2 }, p.bins, p.frameLength, tw, false);
    }
  }
  return Tensor.fromNumbers(signal.dtype, p.outShape, out);
}

function emitStft(node: Node, ctx: EmitCtx): void {
  const [signalName, , windowName = ""] = node.inputs;
  const x = ctx.info(signalName!);
  const p = planStft(node, x, windowName === "" ? undefined : ctx.info(windowName));
  if (numel(p.outShape) === 0) {
    ctx.line("/* no frames: nothing to transform */");
    return;
  }
  const T = DTYPES[x.dtype].ctype;
  const sfx = DTYPES[x.dtype].suffix;
  ctx.define(`eg_dft_line_${sfx}`, dftLineC(T, sfx));
  const fn = `eg_stft_${sfx}`;
  ctx.define(
    fn,
    `/* STFT: frame f of batch entry b starts at sample f * step; each is weighted (w may be NULL) and transformed. */
static void ${fn}(const ${T} *x, const ${T} *w, ${T} *y, int32_t batch, int32_t length, int32_t x_c, int32_t step,
    int32_t frame_length, int32_t frames, int32_t bins, const double *cos_t, const double *sin_t) {
  int32_t b, f;
  for (b = 0; b < batch; b++) {
    for (f = 0; f < frames; f++) {
      eg_dft_line_${sfx}(x + ((size_t)b * (size_t)length + (size_t)f * (size_t)step) * (size_t)x_c, x_c, x_c, w, frame_length,
          y + ((size_t)b * (size_t)frames + (size_t)f) * (size_t)bins * 2u, 2, bins, frame_length, cos_t, sin_t, 0);
    }
  }
}`,
  );
  const [cos, sin] = twiddleArrays(ctx, p.frameLength);
  ctx.line(
    `${fn}(${ctx.ptr(signalName!)}, ${ctx.ptr(windowName)}, ${ctx.ptr(node.outputs[0]!)}, ${p.batch}, ${p.length}, ${p.inC}, ${p.step}, ${p.frameLength}, ${p.frames}, ${p.bins}, ${cos}, ${sin});`,
  );
}

const STFT: OpDef = {
  name: "STFT",
  family: "signal",
  dataTypes: SIGNAL_DTYPES.join(", "),
  inputs: { min: 2, max: 4 },
  outputs: { min: 1, max: 1 },
  constInputs: [
    { index: 1, attr: "frame_step", reason: "(it sets the output shape)" },
    { index: 3, attr: "frame_length", reason: "(it sets the output shape)" },
  ],
  infer(node, [signal, , window]) {
    return [{ dtype: signal!.dtype, shape: planStft(node, signal!, window).outShape }];
  },
  evaluate: (node, [signal, , window]) => [evaluateStft(node, signal!, window)],
  emitC: emitStft,
  macs: (node, [signal, , window]) => {
    const p = planStft(node, signal!, window);
    return p.batch * p.frames * p.bins * p.frameLength * 4;
  },
};

registerOps([DFT, STFT]);
