import type { MemoryView, ReportBuffer } from "../types.js";
import { bytes, count, esc } from "./text.js";

const PLOT_WIDTH = 760;
const PLOT_HEIGHT = 280;
const LEFT = 74;
const TOP = 22;
const BOTTOM = 34;
const RIGHT = 16;

/**
 * The arena as offset (up) x time (right, one column per step of the emitted program): each buffer
 * a rectangle from its first to its last step at its offset; the arena's top and the layer-wise
 * lower bound as lines; the live bytes per step as a step curve; the peak (the step whose buffers
 * reach highest) marked. `data-peak-bytes` carries the peak for tests; it equals the arena size.
 */
export function memoryTimelineSvg(m: MemoryView): string {
  if (m.buffers.length === 0 || m.steps === 0) return `<p class="empty">No buffer lives in the arena: the program works in its input and output buffers (arena ${bytes(m.arenaBytes)}).</p>`;
  const width = LEFT + PLOT_WIDTH + RIGHT;
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  const column = PLOT_WIDTH / m.steps;
  const top = Math.max(m.arenaBytes, 1);
  const yOf = (offset: number) => TOP + PLOT_HEIGHT - (offset / top) * PLOT_HEIGHT;
  const xOf = (step: number) => LEFT + step * column;
  const parts: string[] = [];
  m.buffers.forEach((b, i) => parts.push(bufferRect(b, i, xOf, yOf, column)));
  // Live bytes per step: what any plan must hold at once; its maximum is the lower bound.
  const curve = m.liveBytes.flatMap((live, s) => [`${xOf(s).toFixed(1)},${yOf(live).toFixed(1)}`, `${xOf(s + 1).toFixed(1)},${yOf(live).toFixed(1)}`]);
  parts.push(`<polyline class="live-curve" points="${curve.join(" ")}"/>`);
  parts.push(hLine("lower-bound", yOf(m.lowerBound), `layer-wise lower bound ${count(m.lowerBound)} B`, width, "below"));
  parts.push(hLine("arena-top", yOf(m.arenaBytes), `arena ${count(m.arenaBytes)} B`, width, "above"));
  const peakX = xOf(m.peakStep + 0.5);
  parts.push(
    `<g id="peak-marker" data-step="${m.peakStep}" data-bytes="${m.peakBytes}"><line x1="${peakX.toFixed(1)}" x2="${peakX.toFixed(1)}" y1="${TOP}" y2="${TOP + PLOT_HEIGHT}" class="peak-line"/>` +
      `<circle cx="${peakX.toFixed(1)}" cy="${yOf(m.peakBytes).toFixed(1)}" r="5" class="peak-dot"/>` +
      `<text x="${(peakX + 8).toFixed(1)}" y="${(TOP + 12).toFixed(1)}" class="peak-label" text-anchor="${peakX > LEFT + PLOT_WIDTH * 0.7 ? "end" : "start"}" dx="${peakX > LEFT + PLOT_WIDTH * 0.7 ? -16 : 0}">peak ${esc(count(m.peakBytes))} B at step ${m.peakStep}</text></g>`,
  );
  parts.push(axes(m, xOf, yOf));
  return [
    `<svg id="memory-timeline" data-peak-bytes="${m.peakBytes}" data-arena-bytes="${m.arenaBytes}" data-lower-bound="${m.lowerBound}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<rect x="${LEFT}" y="${TOP}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" class="plot-bg"/>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}

function bufferRect(b: ReportBuffer, i: number, xOf: (s: number) => number, yOf: (o: number) => number, column: number): string {
  const x = xOf(b.first);
  const w = Math.max(column * (b.last - b.first + 1), 1);
  const y1 = yOf(b.offset + b.bytes);
  const h = Math.max(yOf(b.offset) - y1, 1);
  // Golden-angle hues keep neighbours apart; scratch buffers are grey.
  const fill = b.kind === "scratch" ? "#b9bec7" : `hsl(${(i * 137.5) % 360}, 55%, 72%)`;
  const title = `${b.kind === "scratch" ? "scratch of " + b.id.slice("scratch:".length) : b.id}: ${count(b.bytes)} B at offset ${count(b.offset)}, steps ${b.first}-${b.last}`;
  return `<rect class="buffer ${b.kind}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"><title>${esc(title)}</title></rect>`;
}

function hLine(cls: string, y: number, label: string, width: number, where: "above" | "below"): string {
  const ty = where === "above" ? y - 5 : y + 13;
  return `<g class="${cls}"><line x1="${LEFT}" x2="${width - RIGHT}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text x="${width - RIGHT - 4}" y="${ty.toFixed(1)}" text-anchor="end">${esc(label)}</text></g>`;
}

function axes(m: MemoryView, xOf: (s: number) => number, yOf: (o: number) => number): string {
  const out: string[] = [`<g class="axes">`];
  const every = Math.max(1, Math.ceil(m.steps / 20));
  for (let s = 0; s < m.steps; s += every) out.push(`<text x="${xOf(s + 0.5).toFixed(1)}" y="${TOP + PLOT_HEIGHT + 14}" text-anchor="middle">${s}</text>`);
  out.push(`<text x="${LEFT + PLOT_WIDTH / 2}" y="${TOP + PLOT_HEIGHT + 30}" text-anchor="middle">step (kernel call in run order)</text>`);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = Math.round(m.arenaBytes * f);
    out.push(`<text x="${LEFT - 6}" y="${(yOf(v) + 4).toFixed(1)}" text-anchor="end">${esc(bytes(v))}</text>`);
  }
  out.push(`<text x="12" y="${TOP + PLOT_HEIGHT / 2}" transform="rotate(-90 12 ${TOP + PLOT_HEIGHT / 2})" text-anchor="middle">arena offset</text>`, `</g>`);
  return out.join("");
}
