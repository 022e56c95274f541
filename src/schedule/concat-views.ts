import type { Graph } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";

/**
 * Concats done in place (`StorageOptions.concatInPlace`): a node whose op is a contiguous join
 * (`OpDef.contiguousJoin`: the output is its inputs' bytes end to end) needs no copy when each
 * input's producer writes straight into its slice of the output. Each input buffer then becomes a
 * view, `offset` bytes into the output's buffer (an arena buffer or the caller's output buffer),
 * the output's buffer is live from the first part's producer on, and the join emits no code.
 *
 * Conditions, all or nothing per join: every input is an arena buffer (after aliases such as
 * Reshape) written by a node before the join and last used by the join itself, no buffer comes
 * twice, and every slice starts at a multiple of `alignment` bytes (the arena's promise to
 * kernels). The output is an arena buffer or a graph output written by the join. Joins nest: an
 * inner join's output may be a part of an outer one (views of views).
 */
export interface ConcatView {
  /** The join node, which emits no code. */
  readonly node: string;
  readonly step: number;
  /** The output's buffer (arena buffer or graph output). */
  readonly output: string;
  readonly parts: readonly { readonly buffer: string; readonly offset: number }[];
}

/** What planStorage knows of the buffers when it looks for joins to do in place. */
export interface JoinLiveness {
  /** The buffer (alias root) holding a tensor. */
  rootOf(name: string): string;
  /** Step of each arena buffer's first write and of its last use. */
  readonly first: ReadonlyMap<string, number>;
  readonly last: ReadonlyMap<string, number>;
  /** Byte size of a tensor. */
  bytes(name: string): number;
  /** Whether the node at this step is an alias (no code, no buffer). */
  isAliasStep(step: number): boolean;
  /** Whether a tensor lives in the caller's output buffer. */
  isGraphOutput(name: string): boolean;
}

export function findConcatViews(graph: Graph, ops: OpRegistry, live: JoinLiveness, alignment: number): ConcatView[] {
  const views: ConcatView[] = [];
  graph.nodes.forEach((node, step) => {
    const op = ops.get(node.op);
    const output = node.outputs[0];
    if (op?.contiguousJoin === undefined || live.isAliasStep(step) || output === undefined || output === "" || node.inputs.length === 0) return;
    if (live.first.get(output) !== step && !live.isGraphOutput(output)) return;
    const infos = node.inputs.map((n) => (n === "" ? undefined : graph.values.get(n)));
    if (infos.some((i) => i === undefined) || !op.contiguousJoin(node, infos, [graph.values.get(output)!])) return;
    const parts: { buffer: string; offset: number }[] = [];
    let offset = 0;
    for (const name of node.inputs) {
      const buffer = live.rootOf(name);
      const written = live.first.get(buffer);
      const ok = written !== undefined && written < step && live.last.get(buffer) === step && live.bytes(buffer) === live.bytes(name) && offset % alignment === 0 && !parts.some((p) => p.buffer === buffer);
      if (!ok) return;
      parts.push({ buffer, offset });
      offset += live.bytes(name);
    }
    views.push({ node: node.name, step, output, parts });
  });
  return views;
}
