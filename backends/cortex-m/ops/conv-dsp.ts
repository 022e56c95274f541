import { fail } from "../../../src/errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { planConv, QConv2D, QDepthwiseConv2D, type ConvPlan } from "../../../src/ir/ops/quant/conv.js";
import { convInPlace } from "../../../src/ir/ops/quant/in-place.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";
import { emitPixelPath, pixelPath } from "./conv-dsp-pixel-path.js";
import { emitWideConv } from "./conv-dsp-wide.js";

/**
 * Armv7E-M (Cortex-M4/M7) int8 convolutions: the generic QConv2D / QDepthwiseConv2D semantics
 * (same attributes, infer, evaluate and MACs, bit-exact C), emitted as the SXTB16/SMLAD kernels of
 * runtime-c/kernels/qconv_i8_dsp.c. Each op accepts only the shapes its kernel handles and says
 * so in `infer`; rules/targets/cortex-m.rules rewrites the generic ops into them under guards, so a
 * rejected instance is simply not rewritten. Names:
 * - QConv2DDsp: any kernel/stride/dilation/padding, int8, no groups (im2col + 2x2 GEMM).
 * - QConv2D1x1Dsp: 1x1 kernel, no padding, int8, no groups (GEMM straight on the input pixels).
 *   Both take compile-time widened int16 weights on layers with many output pixels (conv-dsp-wide.ts);
 *   the 1x1 one with C = 8 or 16 and the 3x3 one with C = 1 run pixel-major on compile-time records
 *   (conv-dsp-pixel.ts, conv-dsp-pixel3.ts).
 * QDepthwiseConv2D3x3Dsp (depthwise3x3-dsp-band.ts) shares their semantics through dspConvSemantics.
 */

/** Bytes of one eg_qdsp_rq_entry (runtime-c/kernels/qdsp_i8.h): the per-channel requantization table. */
export const REQUANT_ENTRY_BYTES = 16;

/** A DSP convolution op's name, the generic op it stands for, and the shapes its kernel takes. */
export interface DspConvShape {
  readonly name: string;
  readonly generic: "QConv2D" | "QDepthwiseConv2D";
  /** Why the kernel cannot take this instance, or undefined when it can. */
  unsupported(p: ConvPlan): string | undefined;
}

interface DspConvSpec extends DspConvShape {
  readonly kernelFn: string;
  /** Scratch bytes (4-byte aligned arena memory) of the kernel. */
  scratch(p: ConvPlan): number;
  /** The op run inside patch bands (conv-dsp-band.ts). */
  readonly bandOp?: string;
  /** Emitted as `${kernelFn}_w16` on compile-time widened weights where that pays (conv-dsp-wide.ts). */
  readonly wide?: boolean;
}

/** Why an instance with non-int8 activations cannot run a DSP kernel. */
export const int8Only = (p: ConvPlan) => (p.dtype !== "int8" ? `needs int8 activations, got ${p.dtype}` : undefined);

function convSpecs(): DspConvSpec[] {
  const ungrouped = (p: ConvPlan) => (p.cg !== p.c ? `needs an ungrouped convolution (weights' last axis ${p.cg} = input channels ${p.c})` : undefined);
  return [
    {
      name: "QConv2DDsp",
      generic: "QConv2D",
      kernelFn: "eg_qconv2d_i8_dsp",
      bandOp: "QConv2DDspBand",
      wide: true,
      unsupported: (p) => int8Only(p) ?? ungrouped(p),
      // The requantization table, two int16 im2col columns and an int8 staging column.
      scratch: (p) => REQUANT_ENTRY_BYTES * p.o + 5 * p.kh * p.kw * p.c,
    },
    {
      name: "QConv2D1x1Dsp",
      generic: "QConv2D",
      kernelFn: "eg_qconv2d_1x1_i8_dsp",
      bandOp: "QConv2D1x1DspBand",
      wide: true,
      unsupported: (p) =>
        int8Only(p) ?? ungrouped(p) ??
        (p.kh !== 1 || p.kw !== 1 ? `needs a 1x1 kernel, got ${p.kh}x${p.kw}` : undefined) ??
        (p.padTop !== 0 || p.padLeft !== 0 || paddedOutput(p) ? "needs no padding (pads [0, 0, 0, 0])" : undefined),
      // The requantization table and two input pixels widened to int16.
      scratch: (p) => REQUANT_ENTRY_BYTES * p.o + 4 * p.c,
    },
  ];
}

/**
 * Scratch bytes of op `name`'s GEMM kernel for plan `p` (the requantization table and im2col
 * columns): what the op reserves unless it runs a pixel-major kernel, and what its band form
 * (conv-dsp-band.ts, always a GEMM) starts from.
 */
export function dspGemmScratch(name: string, p: ConvPlan): number {
  const spec = convSpecs().find((s) => s.name === name);
  if (spec === undefined) throw new Error(`internal: ${name} is not a DSP convolution op`);
  return spec.scratch(p);
}

/** eg_qconv2d_i8's parameter layout (runtime-c/kernels/qconv_i8.h), shared by the DSP kernels. */
export function convKernelParams(p: ConvPlan): number[] {
  return [
    p.n, p.h, p.w, p.c, p.oh, p.ow, p.o, p.kh, p.kw, p.cg, p.sh, p.sw, p.dh, p.dw, p.padTop, p.padLeft,
    p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind,
  ];
}

/** A 1x1 kernel reads input rows/columns (OH-1)*sh and (OW-1)*sw; more output means end padding. */
function paddedOutput(p: ConvPlan): boolean {
  return (p.oh - 1) * p.sh >= p.h || (p.ow - 1) * p.sw >= p.w;
}

function plan(shape: DspConvShape, node: Node, inputs: readonly (ValueInfo | undefined)[]): ConvPlan {
  const p = planConv(node, inputs, shape.generic === "QDepthwiseConv2D");
  const why = shape.unsupported(p);
  if (why !== undefined) fail("bad-shape", nodeLabel(node), `${shape.name} ${why}; use ${shape.generic} for this layer`);
  return p;
}

/**
 * Op `shape` with the generic op's semantics (attributes, infer, evaluate, in-place facts, MACs)
 * on the shapes its kernel takes; the caller adds emitC, scratchBytes and a band form.
 */
export function dspConvSemantics(shape: DspConvShape): Omit<OpDef, "emitC" | "scratchBytes" | "bandOp"> {
  const generic = (): OpDef => (shape.generic === "QConv2D" ? QConv2D : QDepthwiseConv2D);
  return {
    name: shape.name,
    family: "quant",
    attributes: coreAttributes(shape.generic),
    dataTypes: "int8",
    inputs: { min: 2, max: 3 },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      plan(shape, node, inputs);
      return generic().infer(node, inputs);
    },
    evaluate(node, inputs) {
      plan(shape, node, inputs);
      return generic().evaluate(node, inputs);
    },
    inPlace(node, inputs) {
      return convInPlace(plan(shape, node, inputs));
    },
    macs(node, inputs, outputs) {
      return generic().macs!(node, inputs, outputs);
    },
  };
}

function dspConvOp(spec: DspConvSpec): OpDef {
  return {
    ...dspConvSemantics(spec),
    scratchBytes(node, inputs) {
      const p = plan(spec, node, inputs);
      // The pixel-major kernels (and their generic fallback) use none (conv-dsp-pixel-path.ts).
      return pixelPath(spec.name, p) !== undefined ? 0 : spec.scratch(p);
    },
    emitC(node, ctx) {
      const p = plan(spec, node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
      ctx.useRuntime("qfixed_i8");
      ctx.useRuntime("qdsp_i8");
      const params = ctx.constArray("int32_t", convKernelParams(p));
      const pixel = pixelPath(spec.name, p);
      if (pixel !== undefined) return emitPixelPath(ctx, node.inputs, node.outputs[0]!, p, params, pixel);
      // The GEMM kernels' unit (the pixel-major ones need only qdsp_i8's helpers).
      ctx.useRuntime("qconv_i8_dsp");
      if (spec.wide === true && emitWideConv(ctx, node.inputs, node.outputs[0]!, p, spec.kernelFn, params)) return;
      const mult = ctx.constArray("int32_t", p.multipliers);
      const shift = ctx.constArray("int32_t", p.shifts);
      const [x, w, b] = node.inputs;
      ctx.line(`${spec.kernelFn}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${mult}, ${shift}, ${ctx.scratch()});`);
    },
    ...(spec.bandOp === undefined ? {} : { bandOp: spec.bandOp }),
  };
}

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const CONV_DSP_OPS: readonly OpDef[] = convSpecs().map(dspConvOp);
