/**
 * `KpuFullyConnectedCandidate`: a float fully connected layer (Gemm, or a MatMul as the bias-less
 * Gemm, with its fused activation) that the KPU could run as a 1×1 conv on a 4×4 map
 * (backends/k210/fc-legality.ts). The k210 rules add it to a legal Gemm's / MatMul's e-class; the
 * k210-kpu cost model prices it as that KPU layer with its upload, download, pad and crop, and the
 * plain Gemm/MatMul as CPU work, so extraction decides per layer. Its semantics are exactly the
 * Gemm's (same attributes, infer and evaluate: the float reference), which makes the rules sound.
 *
 * The k210 lowering (backends/k210/fc-expand.ts) rewrites every extracted candidate into
 * Reshape → Pad → KpuConv2DCandidate → Slice → Reshape, whose conv the KPU lowering then
 * quantises. Its emitC is the float Gemm's, so a program that reaches C without that lowering
 * still compiles to the same float code.
 */
import { fail } from "../../../src/errors.js";
import type { OpDef } from "../../../src/ir/op.js";
import { MATMUL_OPS } from "../../../src/ir/ops/matmul.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";

export const KPU_FC_CANDIDATE = "KpuFullyConnectedCandidate";

/** The float Gemm's definition, whose infer/evaluate/macs the candidate shares. */
function gemm(): OpDef {
  const def = MATMUL_OPS.find((op) => op.name === "Gemm");
  if (def === undefined) return fail("unsupported-op", KPU_FC_CANDIDATE, "the Gemm op is not defined");
  return def;
}

const KpuFullyConnectedCandidate: OpDef = {
  name: KPU_FC_CANDIDATE,
  family: "k210",
  attributes: coreAttributes("Gemm"),
  dataTypes: "float32",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer: (node, inputs) => gemm().infer(node, inputs),
  evaluate: (node, inputs) => gemm().evaluate(node, inputs),
  emitC: (node, ctx) => {
    const emit = gemm().emitC;
    if (emit === undefined) fail("unsupported-op", node.name, "the Gemm op has no C emitter");
    emit(node, ctx);
  },
  macs: (node, inputs, outputs) => gemm().macs?.(node, inputs, outputs) ?? 0,
};

/** The ops of this family, for the op registry (the k210 plugin lists them). */
export const KPU_FC_CANDIDATE_OPS: readonly OpDef[] = [KpuFullyConnectedCandidate];
