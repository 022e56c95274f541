import type { Attrs, AttrValue, Graph, Node } from "../ir/graph.js";

/**
 * Layout helpers shared by the TensorFlow and Keras importers. Their graphs keep activations in
 * NHWC; the IR's Conv, pooling and BatchNormalization are NCHW. Each layout-sensitive op is
 * wrapped in Transpose(NHWC->NCHW) ... Transpose(NCHW->NHWC) so every other op (elementwise,
 * reshape, concat, the Keras Flatten) keeps TensorFlow's axis numbering; optimizer rules cancel
 * the back-to-back transposes between consecutive layout-sensitive ops.
 */
export const NHWC_TO_NCHW: readonly number[] = [0, 3, 1, 2];
export const NCHW_TO_NHWC: readonly number[] = [0, 2, 3, 1];
/** TensorFlow conv filters are [kh, kw, in, out]; the IR wants [out, in, kh, kw]. */
export const HWIO_TO_OIHW: readonly number[] = [3, 2, 0, 1];

/** The part of a graph builder the layout helpers need. */
export interface LayoutEmitter {
  node(op: string, inputs: readonly string[], attrs: Attrs, hint: string): string;
}

/**
 * Emits `body` on the NCHW view of the NHWC tensor `x` and returns the result back in NHWC.
 * `body` receives the NCHW tensor name and returns the NCHW result's name.
 */
export function inNchw(ir: LayoutEmitter, x: string, hint: string, body: (nchw: string) => string): string {
  const nchw = ir.node("Transpose", [x], { perm: NHWC_TO_NCHW }, `${hint}/to_nchw`);
  return ir.node("Transpose", [body(nchw)], { perm: NCHW_TO_NHWC }, `${hint}/to_nhwc`);
}

/** OIHW view of an HWIO filter (a Transpose the core folds when the filter is a constant). */
export function oihwFilter(ir: LayoutEmitter, hwio: string, hint: string): string {
  return ir.node("Transpose", [hwio], { perm: HWIO_TO_OIHW }, `${hint}/oihw`);
}

/**
 * Depthwise filter [kh, kw, C, M] as the weight of a Conv with group = C: [C*M, 1, kh, kw]. Output
 * channel c*M + m of TensorFlow's depthwise conv is filter (c, m), which is exactly grouped conv's
 * output channel order when the filter is first viewed as [kh, kw, 1, C*M].
 */
export function depthwiseOihwFilter(ir: LayoutEmitter, hwcm: string, filterShape: readonly number[], hint: string): string {
  const [kh, kw, c, m] = filterShape as [number, number, number, number];
  const hwio = ir.node("Reshape", [hwcm], { shape: [kh, kw, 1, c * m] }, `${hint}/hw1o`);
  return oihwFilter(ir, hwio, hint);
}

/** TensorFlow's SAME puts the odd padding cell at the end, which is ONNX's SAME_UPPER. */
export function paddingAttrs(padding: string): Attrs {
  return padding === "SAME" ? { auto_pad: "SAME_UPPER" } : { auto_pad: "VALID" };
}

const WINDOW_OPS = new Set(["Conv", "MaxPool", "AveragePool"]);

/**
 * After the graph is built (shapes known), replaces every `auto_pad` SAME_UPPER/VALID that the
 * importers emitted with explicit `pads`, computed exactly as the core's window geometry does:
 * downstream passes and targets then see one spelling of padding.
 */
export function explicitWindowPads(graph: Graph): Graph {
  const nodes = graph.nodes.map((node) => {
    const autoPad = node.attrs["auto_pad"];
    if (!WINDOW_OPS.has(node.op) || (autoPad !== "SAME_UPPER" && autoPad !== "VALID")) return node;
    const input = graph.values.get(node.inputs[0]!)?.shape;
    const kernel = node.op === "Conv" ? graph.values.get(node.inputs[1]!)?.shape.slice(2) : numbers(node.attrs["kernel_shape"]);
    if (!input || !kernel) return node;
    const spatial = input.slice(2);
    const strides = numbers(node.attrs["strides"]) ?? spatial.map(() => 1);
    const dilations = numbers(node.attrs["dilations"]) ?? spatial.map(() => 1);
    const begins: number[] = [];
    const ends: number[] = [];
    spatial.forEach((size, i) => {
      const extent = (kernel[i]! - 1) * dilations[i]! + 1;
      const total = autoPad === "VALID" ? 0 : Math.max(0, (Math.ceil(size / strides[i]!) - 1) * strides[i]! + extent - size);
      begins.push(Math.floor(total / 2));
      ends.push(total - Math.floor(total / 2));
    });
    const attrs: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(node.attrs)) if (k !== "auto_pad") attrs[k] = v;
    attrs["pads"] = [...begins, ...ends];
    const replaced: Node = { ...node, attrs };
    return replaced;
  });
  return { ...graph, nodes };
}

function numbers(v: AttrValue | undefined): readonly number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "number") ? (v as readonly number[]) : undefined;
}
