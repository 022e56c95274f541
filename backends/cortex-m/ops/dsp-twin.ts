import { fail } from "../../../src/errors.js";
import { nodeLabel, type Node, type ValueInfo } from "../../../src/ir/graph.js";
import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { OpDef } from "../../../src/ir/op.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";
import { emitRequantOperands } from "./requant-table.js";

/** What a scratch-free int8 DSP twin needs from its plan: the activation type and the requantization. */
interface TwinPlan {
  readonly dtype: string;
  readonly o: number;
  readonly multipliers: readonly number[];
  readonly shifts: readonly number[];
}

export interface DspTwinSpec<P extends TwinPlan> {
  readonly name: string;
  /** The generic op whose attributes, infer, evaluate and MACs the twin shares. */
  readonly generic: OpDef;
  readonly plan: (node: Node, inputs: readonly (ValueInfo | undefined)[]) => P;
  /** The runtime unit (runtime-c/kernels/<unit>.c) and its entry point. */
  readonly unit: string;
  readonly kernelFn: string;
  /** The kernel's int32 parameter array. */
  readonly params: (p: P) => number[];
  /** Scratch bytes, when the kernel takes a scratch pointer (last argument; NULL when 0 bytes). */
  readonly scratch?: (p: P) => number;
}

/**
 * An int8 Armv7E-M twin of a generic quantized op: same semantics (it rejects
 * non-int8 activations, naming the generic op to use), emitted as
 * `kernelFn(x, w, bias, y, params, table, mult, shift)` with the compile-time requantization table
 * of requant-table.ts (NULL when a multiplier/shift is outside its range), and `, scratch` when
 * the spec declares scratch.
 */
export function dspTwinOp<P extends TwinPlan>(spec: DspTwinSpec<P>): OpDef {
  const generic = (): OpDef => spec.generic;
  const plan = (node: Node, inputs: readonly (ValueInfo | undefined)[]): P => {
    const p = spec.plan(node, inputs);
    if (p.dtype !== "int8") fail("bad-shape", nodeLabel(node), `${spec.name} needs int8 activations, got ${p.dtype}; use ${spec.generic.name} for this layer`);
    return p;
  };
  return {
    name: spec.name,
    family: "quant",
    attributes: coreAttributes(spec.generic.name),
    dataTypes: "int8",
    inputs: { min: 2, max: 3 },
    outputs: { min: 1, max: 1 },
    infer(node, inputs) {
      plan(node, inputs);
      return generic().infer(node, inputs);
    },
    evaluate(node, inputs) {
      plan(node, inputs);
      return generic().evaluate(node, inputs);
    },
    emitC(node: Node, ctx: EmitCtx) {
      const p = plan(node, node.inputs.map((t) => (t === "" ? undefined : ctx.info(t))));
      for (const unit of ["qfixed_i8", "qdsp_i8", spec.unit]) ctx.useRuntime(unit);
      const params = ctx.constArray("int32_t", spec.params(p));
      const { table, mult, shift } = emitRequantOperands(ctx, p.multipliers, p.shifts, p.o);
      const [x, w, b] = node.inputs;
      const scratch = spec.scratch === undefined ? "" : `, ${spec.scratch(p) > 0 ? ctx.scratch() : "NULL"}`;
      ctx.line(`${spec.kernelFn}(${ctx.ptr(x!)}, ${ctx.ptr(w!)}, ${ctx.ptr(b ?? "")}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift}${scratch});`);
    },
    ...(spec.scratch === undefined ? {} : { scratchBytes: (node: Node, inputs: readonly (ValueInfo | undefined)[]) => spec.scratch!(plan(node, inputs)) }),
    macs(node, inputs, outputs) {
      return generic().macs!(node, inputs, outputs);
    },
  };
}
