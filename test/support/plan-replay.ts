import { attrInts } from "../../src/ir/attrs.js";
import { DTYPES } from "../../src/ir/dtype.js";
import type { Graph, Node } from "../../src/ir/graph.js";
import { planConv } from "../../src/ir/ops/quant/conv.js";
import type { WindowWalk } from "../../src/schedule/overwrite-lag.js";
import type { StoragePlan } from "../../src/schedule/storage.js";
import { replayElementwise, replayWindow, type Access } from "./kernel-replay.js";

/**
 * Runs a program's memory accesses (test/support/kernel-replay.ts) over a shadow of its arena
 * that records which tensor element each byte holds, and returns every read that finds another
 * value in its place: a live value overwritten. Independent of the planner and of the lags: it
 * only follows the storage offsets the plan gave and the kernels' loop order. Covers the ops the
 * in-place property test generates (QConv2D, QDepthwiseConv2D, QAveragePool2D, QMaxPool2D, QAdd,
 * and the elementwise activations).
 */
export function overwrittenReads(graph: Graph, plan: StoragePlan): string[] {
  const owner = new Int32Array(plan.arena.size).fill(-1);
  const element = new Int32Array(plan.arena.size).fill(-1);
  const ids = new Map<string, number>();
  const idOf = (name: string) => ids.get(name) ?? (ids.set(name, ids.size), ids.size - 1);
  const problems: string[] = [];
  for (const node of graph.nodes) {
    const operands = [node.inputs.filter((n) => n !== "")[0]!, node.inputs[1]!];
    const out = node.outputs[0]!;
    for (const a of accessesOf(graph, node)) {
      const name = a.write ? out : node.op === "QAdd" ? operands[a.operand]! : operands[0]!;
      const s = plan.storage.get(name);
      if (s?.kind !== "arena") continue;
      const bytes = DTYPES[graph.values.get(name)!.dtype].bytes;
      const id = idOf(name);
      for (let k = 0; k < bytes; k++) {
        const at = s.offset + a.element * bytes + k;
        if (a.write) {
          owner[at] = id;
          element[at] = a.element;
        } else if (owner[at] !== id || element[at] !== a.element) {
          problems.push(`${node.name} reads ${name}[${a.element}] at arena byte ${at}, which holds ${owner[at] === -1 ? "nothing" : `${[...ids].find(([, v]) => v === owner[at])![0]}[${element[at]}]`}`);
          return problems;
        }
      }
    }
  }
  return problems;
}

function accessesOf(graph: Graph, node: Node): Access[] {
  const info = (i: number) => graph.values.get(node.inputs[i]!);
  const y = graph.values.get(node.outputs[0]!)!;
  const [n, oh, ow, o] = y.shape as [number, number, number, number];
  switch (node.op) {
    case "QConv2D":
    case "QDepthwiseConv2D": {
      const p = planConv(node, node.inputs.map((t) => (t === "" ? undefined : graph.values.get(t))), node.op === "QDepthwiseConv2D");
      return replayWindow(walk({ ...p, outChannels: p.o }), node.op === "QConv2D" ? "conv" : "depthwise");
    }
    case "QAveragePool2D":
    case "QMaxPool2D": {
      const [, h, w, c] = info(0)!.shape as [number, number, number, number];
      const [kh, kw] = attrInts(node, "kernel") as [number, number];
      const [sh, sw] = attrInts(node, "strides", [1, 1]) as [number, number];
      const pads = attrInts(node, "pads", [0, 0, 0, 0]);
      return replayWindow(walk({ n, h, w, c, oh, ow, outChannels: c, kh, kw, sh, sw, dh: 1, dw: 1, padTop: pads[0]!, padLeft: pads[1]! }), "pool");
    }
    case "QAdd":
      return replayElementwise(n * oh * ow * o, 2);
    case "QLogistic":
    case "QTanh":
    case "QLeakyRelu":
    case "QRequantize":
      return replayElementwise(n * oh * ow * o, 1);
    default:
      throw new Error(`overwrittenReads: no replay of ${node.op}`);
  }
}

function walk(g: Omit<WindowWalk, "inElementBytes" | "outElementBytes">): WindowWalk {
  return { ...g, inElementBytes: 1, outElementBytes: 1 };
}
