import { esc } from "./text.js";

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The figure printed after the bar. */
  readonly text: string;
  /** Extra CSS class (e.g. "bad" for a layer below the SQNR warning line). */
  readonly cls?: string;
}

const LABEL_WIDTH = 260;
const BAR_WIDTH = 420;
const TEXT_WIDTH = 150;
const ROW = 20;

/**
 * A horizontal bar chart: one row per bar, bars scaled to `max` (default: the largest value), an
 * optional vertical marker (a budget, a threshold) drawn across all rows.
 */
export function barsSvg(id: string, bars: readonly Bar[], options: { max?: number; marker?: { value: number; label: string } } = {}): string {
  const max = Math.max(options.max ?? 0, ...bars.map((b) => b.value), options.marker?.value ?? 0, 1e-9);
  const width = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH;
  const top = options.marker === undefined ? 4 : 18;
  const height = top + bars.length * ROW + 4;
  const scale = (v: number) => (Math.max(0, v) / max) * BAR_WIDTH;
  const rows = bars.map((b, i) => {
    const y = top + i * ROW;
    const w = scale(b.value);
    return (
      `<g class="bar-row${b.cls === undefined ? "" : ` ${b.cls}`}"><text x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end" class="bar-label">${esc(clip(b.label, 40))}<title>${esc(b.label)}</title></text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" class="bar"/>` +
      `<text x="${(LABEL_WIDTH + w + 6).toFixed(1)}" y="${y + 14}" class="bar-text">${esc(b.text)}</text></g>`
    );
  });
  const marker = options.marker;
  if (marker !== undefined) {
    const x = LABEL_WIDTH + scale(marker.value);
    rows.push(`<g class="marker"><line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="12" y2="${height}"/><text x="${x.toFixed(1)}" y="10" text-anchor="middle">${esc(marker.label)}</text></g>`);
  }
  return [`<svg id="${esc(id)}" class="bars" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">`, ...rows, `</svg>`].join("\n");
}

function clip(text: string, n: number): string {
  return text.length <= n ? text : `…${text.slice(text.length - n + 1)}`;
}
