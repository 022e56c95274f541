import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";
import type { ProgramView, ReportNode } from "../types.js";
import { bytes, compact, count, esc, shapeText } from "./text.js";

const NODE_WIDTH = 200;
const NODE_HEIGHT = 64;
const MARGIN = 12;

/**
 * A program graph as static SVG, laid out at report time by dagre (top to bottom, run order). One
 * `<g class="op-node">` per IR node; colour deepens with the node's share of the measured
 * instructions (or, without a profile, of the predicted cycles); fused ops have a purple border and
 * their activation named, alias (reshape-like) nodes a dashed one. Each node's `<title>` holds its
 * figures, so hovering shows them with no script.
 */
export function programGraphSvg(view: ProgramView, id: string): string {
  if (view.nodes.length === 0) return `<p class="empty">The program has no nodes.</p>`;
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 26, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of view.nodes) g.setNode(String(n.index), { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of view.edges) g.setEdge(String(e.from), String(e.to));
  dagre.layout(g);
  const label = g.graph();
  const width = Math.ceil(label.width ?? NODE_WIDTH + 2 * MARGIN);
  const height = Math.ceil(label.height ?? NODE_HEIGHT + 2 * MARGIN);
  const weightOf = (n: ReportNode) => n.measuredInstructions ?? n.predictedCycles;
  const heaviest = Math.max(1, ...view.nodes.map(weightOf));
  const parts: string[] = [];
  for (const edge of g.edges()) {
    const points = g.edge(edge).points ?? [];
    if (points.length > 1) parts.push(`<polyline class="edge" points="${points.map((p: { x: number; y: number }) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}" marker-end="url(#arrow-${id})"/>`);
  }
  for (const n of view.nodes) {
    const pos = g.node(String(n.index));
    const x = (pos.x ?? 0) - NODE_WIDTH / 2;
    const y = (pos.y ?? 0) - NODE_HEIGHT / 2;
    parts.push(nodeSvg(n, x, y, weightOf(n) / heaviest));
  }
  return [
    `<svg id="${esc(id)}" class="program-graph" data-nodes="${view.nodes.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<defs><marker id="arrow-${esc(id)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f98"/></marker></defs>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}

function nodeSvg(n: ReportNode, x: number, y: number, share: number): string {
  // Lightness from 97% (cheap) to 62% (the heaviest node): the eye finds the slow layers first.
  const fill = n.alias ? "#f4f5f7" : `hsl(28, 95%, ${(97 - 35 * share).toFixed(1)}%)`;
  const cls = ["op-node", n.fused === undefined ? "" : "fused", n.alias ? "alias" : ""].filter((c) => c !== "").join(" ");
  const figures = [`MACs ${compact(n.macs)}`, `pred ${compact(n.predictedCycles)} cyc`];
  const measured = n.measuredInstructions === undefined ? "" : `meas ${compact(n.measuredInstructions)} instr`;
  const title = [
    `${n.name} (${n.op}${n.fused === undefined ? "" : ` + fused ${n.fused}`})`,
    `output ${n.dtype}[${shapeText(n.shape)}]`,
    `MACs ${count(n.macs)}`,
    `weights ${bytes(n.weightBytes)}`,
    `predicted ${count(n.predictedCycles)} cycles`,
    ...(n.measuredInstructions === undefined ? [] : [`measured ${count(n.measuredInstructions)} instructions`]),
    ...(n.alias ? ["alias of its input: no code"] : []),
  ].join("\n");
  return [
    `<g class="${cls}" data-index="${n.index}" data-op="${esc(n.op)}" transform="translate(${x.toFixed(1)},${y.toFixed(1)})">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6" fill="${fill}"/>`,
    `<text x="8" y="16" class="op">${esc(n.op)}${n.fused === undefined ? "" : `<tspan class="fused-tag"> +${esc(n.fused)}</tspan>`}</text>`,
    `<text x="8" y="31">${esc(`${n.dtype}[${shapeText(n.shape)}]`)}${n.weightBytes > 0 ? esc(` · w ${bytes(n.weightBytes)}`) : ""}</text>`,
    `<text x="8" y="45">${esc(figures.join(" · "))}</text>`,
    measured === "" ? "" : `<text x="8" y="59" class="measured">${esc(measured)}</text>`,
    `</g>`,
  ].join("");
}
