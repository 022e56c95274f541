import { fail } from "../../../src/errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { OpDef } from "../../../src/ir/op.js";
import { outputCallArgs, planOutput, planState, QSvdfOutput, QSvdfState, stateCallArgs } from "../../../src/ir/ops/quant/svdf.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";
import { emitRequantTable, requantTable } from "./requant-table.js";

/**
 * QSvdfStateDsp / QSvdfOutputDsp: TFLite's integer SVDF with int16 state (QSvdfState /
 * QSvdfOutput: same attributes, infer, evaluate, MACs and bit-exact C, the same persistent state
 * buffer) on Armv7E-M, emitted as the SMLAD kernels of runtime-c/kernels/qsvdf_i8_dsp.c with the
 * requantization entry computed at compile time (flash). int8-state SVDF (8-bit models) keeps the
 * generic ops: infer rejects it, so rules/targets/cortex-m.rules cannot rewrite it.
 */

function int16State(op: string, generic: OpDef, node: Node, dtype: string): void {
  if (dtype !== "int16") fail("bad-shape", nodeLabel(node), `${op} needs an int16 state, got ${dtype}; use ${generic.name} for this layer`);
}

const planStateDsp = (node: Node, inputs: readonly (ValueInfo | undefined)[]) => {
  const p = planState(node, inputs);
  int16State("QSvdfStateDsp", QSvdfState, node, p.dtype);
  return p;
};

const planOutputDsp = (node: Node, inputs: readonly (ValueInfo | undefined)[]) => {
  const p = planOutput(node, inputs);
  int16State("QSvdfOutputDsp", QSvdfOutput, node, p.dtype);
  return p;
};

/** The generic op's behaviour behind a plan check that rejects what the DSP kernel does not take. */
function twin(name: string, generic: OpDef, check: (node: Node, inputs: readonly (ValueInfo | undefined)[]) => void, emitC: (node: Node, ctx: EmitCtx) => void): OpDef {
  return {
    name,
    family: "quant",
    attributes: coreAttributes(generic.name),
    dataTypes: "int8 in, int16 state",
    inputs: generic.inputs,
    outputs: generic.outputs,
    infer(node, inputs) {
      check(node, inputs);
      return generic.infer(node, inputs);
    },
    evaluate(node, inputs) {
      check(node, inputs);
      return generic.evaluate(node, inputs);
    },
    emitC,
    macs(node, inputs, outputs) {
      return generic.macs!(node, inputs, outputs);
    },
  };
}

function useUnits(ctx: EmitCtx): void {
  for (const unit of ["qfixed_i8", "qdsp_i8", "qsvdf_i8_dsp"]) ctx.useRuntime(unit);
}

export const SVDF_DSP_OPS: readonly OpDef[] = [
  twin("QSvdfStateDsp", QSvdfState, planStateDsp, (node, ctx) => {
    const p = planStateDsp(node, node.inputs.map((t) => ctx.info(t)));
    useUnits(ctx);
    const table = emitRequantTable(ctx, requantTable([p.multiplier], [p.shift], 1));
    ctx.line(`eg_qsvdf_state_i16_dsp(${stateCallArgs(node, ctx, p)}, ${table});`);
  }),
  twin("QSvdfOutputDsp", QSvdfOutput, planOutputDsp, (node, ctx) => {
    const p = planOutputDsp(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
    useUnits(ctx);
    const table = emitRequantTable(ctx, requantTable([p.multiplier], [p.shift], 1));
    ctx.line(`eg_qsvdf_output_i16_dsp(${outputCallArgs(node, ctx, p)}, ${table});`);
  }),
];
