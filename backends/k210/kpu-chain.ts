/**
 * Chaining KPU layers in KPU RAM for the C program (nncase's fold_kpu_upload, K210-KPU.md §5.3
 * step 10, which the kmodel writer does for the kmodel): a `KpuConv2D` whose output only one other
 * `KpuConv2D` reads, with the same quantisation, hands its map over inside KPU RAM instead of
 * dequantising it into main memory for the next layer to quantise again. Runs of such layers become
 * one `KpuConv2DChain` node (ops/kpu-conv2d-chain.ts), so the maps between them take no arena
 * bytes. Bit-exact: dequantise → quantise with equal parameters gives back the same byte.
 *
 * A link needs: the producer's output is no graph output and has exactly one reader, a KpuConv2D
 * that does not take a uint8 frame; same layout; the consumer's input scale and zero point equal
 * the producer's output ones; and the chain's maps fit KPU RAM. Placement: two regions, A from
 * line 0 and B right after it; the first layer reads A, each layer writes the region it does not
 * read, and the next layer reads that map where it is, or, when the producer subsamples (a stride-2
 * conv run at stride 1, `subsample`), the sampled copy the CPU writes inside KPU RAM into the
 * producer's input region (dead by then). So a layer's input and output never overlap and a map
 * stays in place until it has been read. A link that would make A + B exceed 2 MiB is not made
 * (the chain ends there).
 *
 * `expandKpuChains` gives the program back with one KpuConv2D per layer (the kmodel writer and the
 * layer counts read that form; the kmodel plans its own KPU RAM).
 */
import { readersOf, type Graph, type Node, type ValueInfo } from "../../src/ir/graph.js";
import { attrFloat, attrInt, attrString, hasAttr } from "../../src/ir/attrs.js";
import { layerGeometry } from "./kpu-layer.js";
import { KPU_RAM_LINES, mapLines } from "./kpu-ram.js";
import { KPU_CONV2D, KPU_CONV2D_OPS, kpuLayerOf } from "./ops/kpu-conv2d.js";
import { expandKpuChain, KPU_CONV2D_CHAIN, type ChainMember } from "./ops/kpu-conv2d-chain.js";
import { KPU_REQUANT_CONCAT } from "./ops/kpu-requant-concat.js";
import { expandRequantConcat } from "./kpu-requant-concat.js";
import { expandNhwcDownload } from "./kpu-nhwc-download.js";
import { expandDilatedNode } from "./kpu-dilated-fold.js";
import { KPU_DILATED_CONV2D } from "./ops/kpu-dilated-conv2d.js";

/** A layer of a run as its placement sees it: lines of its input and output maps, and whether it subsamples. */
export interface ChainLayerMaps {
  readonly input: number;
  readonly output: number;
  readonly subsample: boolean;
}

function mapsOf(node: Node): ChainLayerMaps {
  const g = layerGeometry(kpuLayerOf(node).args);
  return { input: mapLines(g.inWidth, g.inHeight, g.inChannels), output: mapLines(g.outWidth, g.outHeight, g.outChannels), subsample: hasAttr(node, "subsample") };
}

/** Region sizes (lines) of a run of layers and the region each layer reads ("a" or "b"; it writes the other). */
export function chainRegions(run: readonly ChainLayerMaps[]): { a: number; b: number; reads: ("a" | "b")[] } {
  const size = { a: 0, b: 0 };
  const reads: ("a" | "b")[] = [];
  let from: "a" | "b" = "a";
  for (const layer of run) {
    const to: "a" | "b" = from === "a" ? "b" : "a";
    reads.push(from);
    size[from] = Math.max(size[from], layer.input);
    size[to] = Math.max(size[to], layer.output);
    // A subsampled map is copied back into the region this layer read; otherwise read in place.
    if (!layer.subsample) from = to;
  }
  return { ...size, reads };
}

const regions = (run: readonly Node[]) => chainRegions(run.map(mapsOf));

function canLink(producer: Node, consumer: Node): boolean {
  return (
    consumer.op === KPU_CONV2D &&
    attrInt(consumer, "input_u8", 0) !== 1 &&
    attrString(producer, "layout", "NCHW") === attrString(consumer, "layout", "NCHW") &&
    attrFloat(producer, "y_scale") === attrFloat(consumer, "x_scale") &&
    attrInt(producer, "y_zero_point") === attrInt(consumer, "x_zero_point")
  );
}

/** The runs of chainable layers, each in execution order (runs of one included). */
function findRuns(program: Graph): Node[][] {
  const readers = readersOf(program);
  const outputs = new Set(program.outputs.map((o) => o.name));
  const taken = new Set<Node>();
  const runs: Node[][] = [];
  for (const node of program.nodes) {
    if (node.op !== KPU_CONV2D || taken.has(node)) continue;
    const run = [node];
    taken.add(node);
    for (;;) {
      const last = run[run.length - 1]!;
      const out = last.outputs[0]!;
      const next = readers.get(out);
      if (outputs.has(out) || next?.length !== 1 || taken.has(next[0]!) || !canLink(last, next[0]!)) break;
      const r = regions([...run, next[0]!]);
      if (r.a + r.b > KPU_RAM_LINES) break;
      run.push(next[0]!);
      taken.add(next[0]!);
    }
    runs.push(run);
  }
  return runs;
}

/** The chain node of a run of layers, with the run's KPU RAM placement in its registers. */
export function chainNode(run: readonly Node[]): Node {
  const { a, reads } = regions(run);
  const members: ChainMember[] = [];
  const weights: Record<string, Node["attrs"][string]> = {};
  run.forEach((node, i) => {
    const layer = kpuLayerOf(node);
    const [src, dst] = reads[i] === "a" ? [0, a] : [a, 0];
    const placed = { args: { ...layer.args, imageSrcAddr: src, imageDstAddr: dst }, batchNorm: layer.batchNorm, activation: layer.activation };
    weights[`kpu_weights_${i}`] = node.attrs["kpu_weights"]!;
    members.push({
      name: node.name,
      output: node.outputs[0]!,
      kpu_layer: JSON.stringify(placed),
      x_scale: attrFloat(node, "x_scale"),
      x_zero_point: attrInt(node, "x_zero_point"),
      y_scale: attrFloat(node, "y_scale"),
      y_zero_point: attrInt(node, "y_zero_point"),
      ...(hasAttr(node, "subsample") ? { subsample: node.attrs["subsample"] as readonly number[] } : {}),
    });
  });
  const first = run[0]!, last = run[run.length - 1]!;
  return {
    name: run.length === 1 ? first.name : `${first.name}..${last.name}`,
    op: KPU_CONV2D_CHAIN,
    inputs: [first.inputs[0]!],
    outputs: [last.outputs[0]!],
    attrs: {
      chain: JSON.stringify(members),
      layout: attrString(first, "layout", "NCHW"),
      ...(attrInt(first, "input_u8", 0) === 1 ? { input_u8: 1 } : {}),
      ...weights,
    },
  };
}

/**
 * The program with each run of two or more chainable KpuConv2D layers as one KpuConv2DChain node at
 * the place of the run's first layer (the run reads nothing else, so the order stays valid); the
 * values between its layers leave the program.
 */
export function chainKpuLayers(program: Graph): Graph {
  const runs = findRuns(program).filter((r) => r.length > 1);
  if (runs.length === 0) return program;
  const replaced = new Map<Node, Node | undefined>();
  const dropped = new Set<string>();
  for (const run of runs) {
    replaced.set(run[0]!, chainNode(run));
    for (const node of run.slice(1)) replaced.set(node, undefined);
    for (const node of run.slice(0, -1)) dropped.add(node.outputs[0]!);
  }
  const nodes = program.nodes.flatMap((n) => (replaced.has(n) ? (replaced.get(n) === undefined ? [] : [replaced.get(n)!]) : [n]));
  const values = new Map([...program.values].filter(([name]) => !dropped.has(name)));
  return { ...program, nodes, values };
}

/**
 * The program with every KpuConv2DChain node back as its KpuConv2D layers (their values typed
 * again), and the uint8 hand-overs of kpu-u8-handover.ts undone: a chain's `output_u8` value is
 * float again, a MaxPool on it pools floats in the chain's layout, and the readers lose `input_u8`
 * (a graph input's uint8 frame keeps it); a KpuRequantConcat is its float Concat (and Relu) again,
 * and a KpuDilatedConv2D the lowering's expansion of its dilated conv.
 */
export function expandKpuChains(program: Graph): Graph {
  if (!program.nodes.some((n) => n.op === KPU_CONV2D_CHAIN || n.op === KPU_DILATED_CONV2D)) return program;
  const infer = KPU_CONV2D_OPS.find((op) => op.name === KPU_CONV2D)!.infer;
  const frames = new Set(program.inputs.map((i) => i.name));
  const asFloatReader = (node: Node): Node => {
    if (attrInt(node, "input_u8", 0) !== 1 || frames.has(node.inputs[0]!)) return node;
    const attrs = { ...node.attrs };
    delete attrs["input_u8"];
    delete attrs["input_kpu"];
    return { ...node, attrs };
  };
  const values = new Map<string, ValueInfo>(program.values);
  // Layout of each uint8 hand-over map's float form: its producer chain's.
  const handedLayout = new Map<string, string>();
  const expandOne = (node: Node): Node[] => {
    if (node.op === "MaxPool" && handedLayout.has(node.inputs[0]!)) return [asFloatPool(node, handedLayout.get(node.inputs[0]!)!, values)];
    if (node.op === KPU_REQUANT_CONCAT) return expandRequantConcat(node, values);
    // A dilated conv folded for the C program (kpu-dilated-fold.ts) is its phase layers and copies again.
    if (node.op === KPU_DILATED_CONV2D) return expandDilatedNode(node, values);
    if (node.op !== KPU_CONV2D_CHAIN) return [asFloatReader(node)];
    const layers = expandKpuChain(node).map(asFloatReader);
    // In program order, so a hand-over value is float again before its readers are typed.
    const handed = attrInt(node, "output_u8", 0) === 1;
    if (handed) handedLayout.set(node.outputs[0]!, attrString(node, "layout", "NCHW"));
    for (const layer of handed ? layers : layers.slice(0, -1)) values.set(layer.outputs[0]!, infer(layer, [values.get(layer.inputs[0]!)])[0]!);
    return layers;
  };
  // A chain that downloads NHWC (kpu-nhwc-download.ts) is its NCHW chain again, and its Transpose
  // goes back before the node it stood before.
  const pending = new Map<string, Node[]>();
  const nodes = program.nodes.flatMap((node) => {
    const before = pending.get(node.name) ?? [];
    const back = expandNhwcDownload(node, values);
    if (back !== undefined) pending.set(back[2], [...(pending.get(back[2]) ?? []), back[1]]);
    return [...before, ...expandOne(back === undefined ? node : back[0])];
  });
  nodes.push(...(pending.get("") ?? []));
  return { ...program, nodes, values };
}

/** A MaxPool that pooled a hand-over map's bytes, back on the float map in `layout` (its output typed again). */
function asFloatPool(pool: Node, layout: string, values: Map<string, ValueInfo>): Node {
  const [n, c, h, w] = values.get(pool.outputs[0]!)!.shape as [number, number, number, number];
  values.set(pool.outputs[0]!, { dtype: "float32", shape: layout === "NHWC" ? [n, h, w, c] : [n, c, h, w] });
  return layout === "NHWC" ? { ...pool, attrs: { ...pool.attrs, layout } } : pool;
}
