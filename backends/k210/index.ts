/**
 * The K210 plugin (`--target k210`): the KPU ops (ops/), the `kpu-legal` guard of
 * rules/targets/k210.rules, the k210-kpu cost model, the KPU lowering with its calibration, the
 * C + simulator + kmodel output, its options (--input-type uint8, --no-kmodel), and the kmodel reader for `egret info` / `egret run`.
 */
import type { TargetPlugin } from "../../src/pipeline/target.js";
import { KMODEL_READER } from "./kmodel/describe.js";
import { K210_GUARDS } from "./kpu-guards.js";
import { K210_OPTIONS } from "./options.js";
import { KPU_CONV2D_OPS } from "./ops/kpu-conv2d.js";
import { KPU_CONV2D_CHAIN_OPS } from "./ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT_OPS } from "./ops/kpu-requant-concat.js";
import { KPU_DILATED_CONV2D_OPS } from "./ops/kpu-dilated-conv2d.js";
import { KPU_CONV2D_CANDIDATE_OPS } from "./ops/kpu-conv2d-candidate.js";
import { KPU_FC_CANDIDATE_OPS } from "./ops/kpu-fc-candidate.js";
import { k210Target } from "./target.js";

export const k210Plugin: TargetPlugin = {
  name: "k210",
  targets: [k210Target],
  ops: [...KPU_CONV2D_OPS, ...KPU_CONV2D_CHAIN_OPS, ...KPU_REQUANT_CONCAT_OPS, ...KPU_DILATED_CONV2D_OPS, ...KPU_CONV2D_CANDIDATE_OPS, ...KPU_FC_CANDIDATE_OPS],
  guards: K210_GUARDS,
  readers: [KMODEL_READER],
  options: K210_OPTIONS,
};
