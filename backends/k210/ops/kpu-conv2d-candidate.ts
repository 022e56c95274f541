/**
 * `KpuConv2DCandidate`: a float Conv (with its fused activation) that the KPU could run. The k210
 * rules (rules/targets/k210.rules) add it to a legal Conv's e-class; the k210-kpu cost model prices
 * it as a KPU layer and the plain Conv as CPU work, so extraction decides per layer. Its semantics
 * are exactly the Conv's (same attributes, same infer and evaluate: the float reference), which is
 * what makes the rule sound and lets calibration run the extracted program as it is.
 *
 * The k210 lowering (backends/k210/lower.ts) replaces every candidate, by a quantised KpuConv2D or,
 * when the re-checked legality or constant weights fail, by the Conv again. Its emitC is the float
 * Conv's, only so that a program that reaches C without that lowering (k210.rules passed to another
 * target with --rules) still compiles to the same float code.
 */
import { fail } from "../../../src/errors.js";
import type { OpDef } from "../../../src/ir/op.js";
import { Conv } from "../../../src/ir/ops/conv.js";
import { coreAttributes } from "../../../src/rules/op-attributes.js";

export const KPU_CONV2D_CANDIDATE = "KpuConv2DCandidate";

/** The float Conv's definition, whose infer/evaluate/macs the candidate shares. */
const conv = (): OpDef => Conv;

const KpuConv2DCandidate: OpDef = {
  name: KPU_CONV2D_CANDIDATE,
  family: "k210",
  attributes: coreAttributes("Conv"),
  dataTypes: "float32",
  inputs: { min: 2, max: 3 },
  outputs: { min: 1, max: 1 },
  infer: (node, inputs) => conv().infer(node, inputs),
  evaluate: (node, inputs) => conv().evaluate(node, inputs),
  emitC: (node, ctx) => {
    const emit = conv().emitC;
    if (emit === undefined) fail("unsupported-op", node.name, "the Conv op has no C emitter");
    emit(node, ctx);
  },
  macs: (node, inputs, outputs) => conv().macs?.(node, inputs, outputs) ?? 0,
};

/** The ops of this family, for the op registry (src/ir/ops/index.ts lists every family). */
export const KPU_CONV2D_CANDIDATE_OPS: readonly OpDef[] = [KpuConv2DCandidate];
