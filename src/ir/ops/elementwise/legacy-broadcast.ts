import { fail } from "../../../errors.js";
import { attrInt, hasAttr, withAttrs } from "../../attrs.js";
import { nodeLabel, type Node } from "../../graph.js";
import type { Shape } from "../../shape.js";

/**
 * Opset < 7 binary ops broadcast B onto A only when `broadcast=1`, aligning B's dims with A's
 * starting at `axis` (default: trailing alignment, which is numpy's). The canonical form keeps the
 * axis as `legacy_broadcast_axis` and broadcasting pads B with trailing 1s accordingly.
 */
export const LEGACY_AXIS = "legacy_broadcast_axis";

export function canonicalizeLegacyBroadcast(node: Node, opset: number): Node {
  if (opset >= 7 || (!hasAttr(node, "broadcast") && !hasAttr(node, "axis"))) return node;
  const axis = attrInt(node, "broadcast", 0) === 1 && hasAttr(node, "axis") ? attrInt(node, "axis") : undefined;
  return withAttrs(node, { broadcast: undefined, axis: undefined, [LEGACY_AXIS]: axis });
}

export function alignLegacyBroadcast(node: Node, shapes: readonly Shape[]): Shape[] {
  if (!hasAttr(node, LEGACY_AXIS) || shapes.length !== 2) return [...shapes];
  const [a, b] = shapes as [Shape, Shape];
  const raw = attrInt(node, LEGACY_AXIS);
  const axis = raw < 0 ? raw + a.length : raw;
  const pad = a.length - axis - b.length;
  if (axis < 0 || pad < 0) {
    fail("bad-attribute", nodeLabel(node), `axis ${raw} cannot align input 1 (rank ${b.length}) inside input 0 (rank ${a.length})`);
  }
  return [a, [...b, ...new Array<number>(pad).fill(1)]];
}
