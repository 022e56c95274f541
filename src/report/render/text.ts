/** Text helpers of the HTML view: escaping and the number formats the page uses. */

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML/SVG element content and double- or single-quoted attributes. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** 1234567 -> "1,234,567" (fixed locale, so the page is the same on every machine). */
export function count(n: number): string {
  const rounded = Math.round(n);
  const sign = rounded < 0 ? "-" : "";
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Bytes with a binary unit: 512 B, 18.1 KiB, 3.60 MiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${count(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MiB`;
}

/** Large counts compactly for node labels: 950, 12.3k, 4.56M, 1.20G. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a < 1e3) return String(Math.round(n));
  if (a < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (a < 1e9) return `${(n / 1e6).toFixed(2)}M`;
  return `${(n / 1e9).toFixed(2)}G`;
}

/** SQNR in dB, or "exact" for an error-free layer. */
export function decibels(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(2)} dB` : "exact";
}

/** Shape as 1x49x10x1 ("scalar" for rank 0). */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar" : shape.join("x");
}
