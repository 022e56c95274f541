import type { OpDef } from "../../../src/ir/op.js";
import { planConv } from "../../../src/ir/ops/quant/conv.js";
import { CONV_DSP_OPS, convKernelParams, dspGemmScratch, REQUANT_ENTRY_BYTES } from "./conv-dsp.js";
import { emitRequantOperands } from "./requant-table.js";

/**
 * The band forms of the DSP convolutions (`OpDef.bandOp` of QConv2DDsp and QConv2D1x1Dsp): the
 * same op (attributes, infer, evaluate, MACs, bit-identical C) emitted as
 * runtime-c/kernels/qconv_i8_dsp_tab.c, whose per-channel requantization table is a compile-time
 * constant (requant-table.ts) instead of being rebuilt in scratch on every call. A patch chain
 * calls each layer once per band (kws_ref_model: 25 bands), so this saves the table build per
 * band and 16 bytes of scratch per output channel. No rule produces them: QPatchBands stages
 * them in place of their base op.
 */

interface BandSpec {
  readonly name: string;
  readonly base: string;
  readonly kernelFn: string;
}

const BAND_SPECS: readonly BandSpec[] = [
  { name: "QConv2DDspBand", base: "QConv2DDsp", kernelFn: "eg_qconv2d_i8_dsp_tab" },
  { name: "QConv2D1x1DspBand", base: "QConv2D1x1Dsp", kernelFn: "eg_qconv2d_1x1_i8_dsp_tab" },
];

function baseOp(name: string): OpDef {
  const op = CONV_DSP_OPS.find((o) => o.name === name);
  if (op === undefined) throw new Error(`internal: ${name} is not a DSP convolution op`);
  return op;
}

function bandOp(spec: BandSpec): OpDef {
  const { bandOp: _ownBandOp, inPlace: _inPlace, ...base } = baseOp(spec.base);
  return {
    ...base,
    name: spec.name,
    scratchBytes(node, inputs) {
      base.infer(node, inputs); // the base op's shape checks
      // The base op's GEMM scratch (not its own reservation: a pixel-major layer reserves none) less the table.
      const p = planConv(node, inputs, false);
      return dspGemmScratch(spec.base, p) - REQUANT_ENTRY_BYTES * p.o;
    },
    emitC(node, ctx) {
      const inputs = node.inputs.map((t) => (t === "" ? undefined : ctx.info(t)));
      base.infer(node, inputs); // the base op's shape checks
      const p = planConv(node, inputs, false);
      for (const unit of ["qfixed_i8", "qdsp_i8", "qconv_i8_dsp", "qconv_i8_dsp_tab"]) ctx.useRuntime(unit);
      const params = ctx.constArray("int32_t", convKernelParams(p));
      const { table, mult, shift } = emitRequantOperands(ctx, p.multipliers, p.shifts, p.o);
      const [x, w, b] = node.inputs;
      ctx.line(`${spec.kernelFn}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift}, ${ctx.scratch()});`);
    },
  };
}

/** The ops of this file, for the plugin's op list. */
export const CONV_DSP_BAND_OPS: readonly OpDef[] = BAND_SPECS.map(bandOp);
