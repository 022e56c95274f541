import type { EmitCtx } from "../../../src/ir/emit-ctx.js";
import type { Node } from "../../../src/ir/graph.js";
import type { OpDef } from "../../../src/ir/op.js";
import { planFc, QFullyConnected } from "../../../src/ir/ops/quant/fully-connected.js";
import { dspTwinOp } from "./dsp-twin.js";
import { emitFoldedBias, emitPackedWeights, foldFcBias, packFcWeights } from "./fc-packed-weights.js";
import { emitRequantOperands } from "./requant-table.js";

// eg_qfc_i8's parameter layout (runtime-c/kernels/qconv_i8.h); the packed kernel ignores p[3] (folded into the bias).
const fcParams = (p: ReturnType<typeof planFc>) => [p.rows, p.k, p.o, p.xOffset, p.yOffset, p.actMin, p.actMax, p.biasKind, p.perChannel ? 1 : 0];

const twin = dspTwinOp({ name: "QFullyConnectedDsp", generic: QFullyConnected, plan: planFc, unit: "qfc_i8_dsp", kernelFn: "eg_qfc_i8_dsp", params: fcParams });

/**
 * Emits the packed kernel: weights re-laid out and the input offset folded into the bias at compile
 * time (fc-packed-weights.ts), requantization table in flash (requant-table.ts), no scratch.
 * Weights or bias computed at run time (never from the importers) take the generic kernel's C.
 */
function emitPackedFc(node: Node, ctx: EmitCtx): void {
  const infos = node.inputs.map((t) => (t === "" ? undefined : ctx.info(t)));
  twin.infer(node, infos); // the twin's int8 check, with its message
  const p = planFc(node, infos);
  const [x, w, b] = node.inputs;
  const wt = ctx.constant?.(w!);
  const bt = b === undefined || b === "" ? undefined : ctx.constant?.(b);
  if (wt === undefined || (b !== undefined && b !== "" && bt === undefined)) {
    QFullyConnected.emitC!(node, ctx);
    return;
  }
  for (const unit of ["qfixed_i8", "qdsp_i8", "qfc_i8_dsp"]) ctx.useRuntime(unit);
  const weights = emitPackedWeights(ctx, w!, packFcWeights(wt.data as ArrayLike<number>, p.o, p.k));
  const folded = foldFcBias(wt.data as ArrayLike<number>, bt?.data as ArrayLike<number> | undefined, p.o, p.k, p.xOffset);
  // Without a bias tensor the folded term is a parameter array (no weight of the model stands for it).
  const bias = bt === undefined ? ctx.constArray("int32_t", folded) : emitFoldedBias(ctx, b!, folded);
  const params = ctx.constArray("int32_t", fcParams(p));
  const { table, mult, shift } = emitRequantOperands(ctx, p.multipliers, p.shifts, p.o);
  ctx.line(`eg_qfc_i8_dsp(${ctx.ptr(x!)}, ${weights}, ${bias}, ${ctx.ptr(node.outputs[0]!)}, ${params}, ${table}, ${mult}, ${shift});`);
}

/**
 * QFullyConnectedDsp: QFullyConnected (same attributes, infer, evaluate, MACs and bit-exact C) for
 * int8 on Armv7E-M, emitted as the scratch-free LDRD/SMLAD kernel of runtime-c/kernels/qfc_i8_dsp.c
 * with packed weights, folded bias and its requantization table in flash. Selected by
 * rules/targets/cortex-m.rules; int16 (16x8) layers keep the generic op. The plugin lists it
 * (backends/cortex-m/index.ts).
 */
export const FULLY_CONNECTED_DSP_OPS: readonly OpDef[] = [{ ...twin, emitC: emitPackedFc }];
