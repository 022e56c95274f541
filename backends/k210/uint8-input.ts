/**
 * `--input-type uint8` for the K210 (nncase's uint8 input, K210-KPU.md §5.3 step 10 and §6 item 9):
 * the model takes the camera frame itself, uint8 pixels u in planar NCHW order, and its float input
 * is x = (u/255 − mean)/std. That affine map is exactly a uint8 quantisation, scale 1/(255·std) and
 * zero point 255·mean, so it becomes the input quantisation of the KPU layers that read the input:
 * their map is the frame's bytes, uploaded as they are (nothing quantised, no float copy), and the
 * kmodel places the input straight in KPU RAM (fold_input_kpu_upload). CPU ops that read the input
 * get a float copy (uint8 Transpose to the model's own order if needed, then DequantizeLinear).
 */
import { fail } from "../../src/errors.js";
import type { Graph, NamedValue, Node, ValueInfo } from "../../src/ir/graph.js";
import { attrString } from "../../src/ir/attrs.js";
import { Tensor } from "../../src/ir/tensor.js";
import type { QParams } from "./kpu-quantize.js";
import { KPU_CONV2D } from "./ops/kpu-conv2d.js";

/** What a uint8 pixel means: x = (u/255 − mean)/std (the calibration images' own normalisation). */
export interface Uint8InputSpec {
  readonly mean: number;
  readonly std: number;
}

/** The uint8 quantisation that is the spec's affine map; 255·mean must be a whole pixel value. */
export function uint8InputQuant(spec: Uint8InputSpec): QParams {
  const zeroPoint = 255 * spec.mean;
  // Within 1/1000 of a level: a mean written with five decimals (0.50196 for 128/255) is accepted.
  if (!(spec.std > 0) || Math.abs(zeroPoint - Math.round(zeroPoint)) > 1e-3 || zeroPoint < -1e-3 || zeroPoint > 255 + 1e-3) {
    fail("bad-option", "option --input-type uint8", `mean ${spec.mean} and std ${spec.std} must give a whole zero point 255·mean in 0..255 and std > 0 (the pixel then means (u/255 − mean)/std); e.g. --mean 0.5 is not one, --mean 0.50196 (128/255) is`);
  }
  return { scale: Math.fround(1 / (255 * spec.std)), zeroPoint: Math.round(zeroPoint) };
}

/** The graph's 4-D float inputs (the ones --input-type uint8 turns into frames). */
export function frameInputs(program: Graph): NamedValue[] {
  return program.inputs.filter((v) => v.dtype === "float32" && v.shape.length === 4);
}

/**
 * Rewrites the lowered program: each 4-D float input becomes uint8 planar NCHW. KPU layers reading
 * it (quantised with `q`, see lowerForK210's inputQuant) take the bytes directly (`input_u8`).
 */
export function foldUint8Inputs(program: Graph, q: QParams): Graph {
  let nodes: Node[] = [...program.nodes];
  const values = new Map(program.values);
  const constants = new Map(program.constants);
  const inputs = program.inputs.map((v): NamedValue => {
    if (!frameInputs(program).includes(v)) return v;
    if (program.outputs.some((o) => o.name === v.name)) fail("bad-option", "option --input-type uint8", `input ${v.name} is also a graph output; keep --input-type float32`);
    const readers = nodes.filter((n) => n.inputs.includes(v.name));
    const kpu = readers.filter((n) => n.op === KPU_CONV2D && n.inputs[0] === v.name);
    const layouts = new Set(kpu.map((n) => attrString(n, "layout", "NCHW")));
    if (layouts.size > 1) fail("bad-option", "option --input-type uint8", `input ${v.name} feeds KPU layers in both NCHW and NHWC order`);
    const nhwc = layouts.has("NHWC");
    const [n, a, b, c] = v.shape as [number, number, number, number];
    const planar = nhwc ? [n, c, a, b] : [n, a, b, c];
    const frame: NamedValue = { name: v.name, dtype: "uint8", shape: planar };
    values.set(v.name, frame);
    nodes = nodes.map((node) => (kpu.includes(node) ? { ...node, attrs: { ...node.attrs, input_u8: 1 } } : node));
    const cpuReaders = readers.filter((r) => !kpu.includes(r));
    if (cpuReaders.length > 0) nodes = [...floatCopy(v, nhwc, q, values, constants), ...renameReads(nodes, v.name, `${v.name}__f32`)];
    return frame;
  });
  return { ...program, inputs, nodes, values, constants };
}

/** uint8 frame → (Transpose to NHWC) → DequantizeLinear → `<name>__f32`, the float input CPU ops read. */
function floatCopy(v: NamedValue, nhwc: boolean, q: QParams, values: Map<string, ValueInfo>, constants: Map<string, Tensor>): Node[] {
  const out: Node[] = [];
  let src = v.name;
  if (nhwc) {
    src = `${v.name}__nhwc_u8`;
    values.set(src, { dtype: "uint8", shape: v.shape });
    out.push({ name: `${v.name}__to_nhwc`, op: "Transpose", inputs: [v.name], outputs: [src], attrs: { perm: [0, 2, 3, 1] } });
  }
  const scale = `${v.name}__scale`;
  const zero = `${v.name}__zero_point`;
  constants.set(scale, Tensor.fromNumbers("float32", [], [q.scale]));
  constants.set(zero, Tensor.fromNumbers("uint8", [], [q.zeroPoint]));
  values.set(scale, { dtype: "float32", shape: [] });
  values.set(zero, { dtype: "uint8", shape: [] });
  values.set(`${v.name}__f32`, { dtype: "float32", shape: v.shape });
  out.push({ name: `${v.name}__dequantize`, op: "DequantizeLinear", inputs: [src, scale, zero], outputs: [`${v.name}__f32`], attrs: {} });
  return out;
}

function renameReads(nodes: readonly Node[], from: string, to: string): Node[] {
  return nodes.map((n) => (n.attrs["input_u8"] === 1 && n.inputs[0] === from ? n : { ...n, inputs: n.inputs.map((i) => (i === from ? to : i)) }));
}
