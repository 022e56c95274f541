/**
 * In the kmodel, the CPU subsampling of a stride-2 KPU layer moves into the following 1×1 KPU
 * layer (nncase v0.1's K210SeparableConv2dTransform §5.2, v0.2's strided_slice_motion §5.3 step 5):
 *
 *   A: KpuConv2D with `subsample` [2, 0, 0, …] (stride-1 map, CPU keeps (2i, 2j))
 *   B: KpuConv2D 1×1, not depthwise, pool 0, the only reader of A, same quantisation
 *   ⇒ A's full map stays in KPU RAM (no main-memory map, strided_slice or upload) and B runs on
 *     it with pool type 5 (left-top 2×2 s2), which keeps exactly the (2i, 2j) outputs.
 *
 * Bit-exact: a 1×1 layer computes each output pixel from the same input pixel alone, and its
 * quantisation (BN, activation, weights) does not depend on the map size, so B on the full map
 * picked at (2i, 2j) gives B's bytes on the subsampled map. Only B's geometry registers change.
 * The C program keeps the subsampling as a CPU copy inside KPU RAM (kpu-chain.ts); the motion is
 * the kmodel's alone.
 */
import { attrFloat, attrInt, attrString } from "../../../src/ir/attrs.js";
import type { Node } from "../../../src/ir/graph.js";
import { layerGeometry, type KpuLayer } from "../kpu-layer.js";
import { layerRegisterFields, unencodableField, type KpuConvGeometry } from "../legality.js";
import { KPU_CONV2D, kpuLayerOf, subsampleOf } from "../ops/kpu-conv2d.js";
import type { Planner } from "./plan.js";

/** Pool type 5: left-top 2×2 stride 2 (§1.5). */
const POOL_LEFT_TOP_2 = 5;

/** The 1×1 layer B that takes over A's subsampling, with its registers for A's full map; or undefined. */
export function pointwiseTakingSubsample(p: Planner, a: Node): { node: Node; layer: KpuLayer } | undefined {
  const ga = layerGeometry(kpuLayerOf(a).args);
  const sub = subsampleOf(a, ga);
  if (sub === undefined || sub.stride !== 2 || sub.offsetY !== 0 || sub.offsetX !== 0) return undefined;
  if (ga.outHeight % 2 !== 0 || ga.outWidth % 2 !== 0) return undefined;
  const y = a.outputs[0]!;
  if (p.program.outputs.some((o) => o.name === y)) return undefined;
  const readers = p.program.nodes.filter((n) => n.inputs.includes(y));
  const b = readers[0];
  if (readers.length !== 1 || b === undefined || b.op !== KPU_CONV2D || b.inputs[0] !== y || attrInt(b, "input_u8", 0) === 1) return undefined;
  if (subsampleOf(b, layerGeometry(kpuLayerOf(b).args)) !== undefined) return undefined;
  const same = attrFloat(b, "x_scale") === attrFloat(a, "y_scale") && attrInt(b, "x_zero_point") === attrInt(a, "y_zero_point") && attrString(b, "layout", "NCHW") === attrString(a, "layout", "NCHW");
  const layer = kpuLayerOf(b);
  const gb = layerGeometry(layer.args);
  if (!same || gb.kernel !== 1 || gb.depthwise || gb.poolType !== 0) return undefined;
  const full: KpuConvGeometry = {
    layout: "NCHW", inChannels: gb.inChannels, outChannels: gb.outChannels, inHeight: ga.outHeight, inWidth: ga.outWidth,
    outHeight: ga.outHeight / 2, outWidth: ga.outWidth / 2, kernel: 1, depthwise: false, poolType: POOL_LEFT_TOP_2,
  };
  if (full.outHeight !== gb.outHeight || full.outWidth !== gb.outWidth || unencodableField(full) !== undefined) return undefined;
  const zeroPoints = { input: layer.args.padValue, weights: -layer.args.argX };
  return { node: b, layer: { ...layer, args: { ...layer.args, ...layerRegisterFields(full, zeroPoints) } } };
}
