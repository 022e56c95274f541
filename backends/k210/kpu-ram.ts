/**
 * Feature-map layout in KPU RAM (K210-KPU.md §1.3). KPU RAM is 2 MiB addressed in 64-byte lines
 * (15-bit line addresses, 0..32767). The layout of a C×H×W uint8 map depends only on W:
 *
 *   W ≤ 16: 4 channels share a line (pitch 16 bytes);  16 < W ≤ 32: 2 channels (pitch 32);
 *   W > 32: 1 channel, ceil(W/64) lines per row.
 *
 *   addr(c, y, x) = 64·B + 64·(floor(c/g)·L·H + y·L) + (c mod g)·P + x
 */

/** Bytes per KPU RAM line. */
export const KPU_LINE_BYTES = 64;
/** KPU RAM size in bytes (2 MiB) and in lines (32768). */
export const KPU_RAM_BYTES = 2 * 1024 * 1024;
export const KPU_RAM_LINES = KPU_RAM_BYTES / KPU_LINE_BYTES;

/** Row layout of a map of width W: groups g (channels per line), pitch P (bytes per channel slot), lines per row L. */
export interface RowLayout {
  groups: number;
  pitch: number;
  linesPerRow: number;
}

export function rowLayout(width: number): RowLayout {
  if (width <= 16) return { groups: 4, pitch: 16, linesPerRow: 1 };
  if (width <= 32) return { groups: 2, pitch: 32, linesPerRow: 1 };
  return { groups: 1, pitch: 64, linesPerRow: Math.ceil(width / 64) };
}

/** `channel_switch_addr`: lines between consecutive channel groups = L·H. */
export function channelSwitchLines(width: number, height: number): number {
  return rowLayout(width).linesPerRow * height;
}

/** Lines a C×H×W map occupies: L·H·ceil(C / min(C, g)) (§1.3). */
export function mapLines(width: number, height: number, channels: number): number {
  const { groups, linesPerRow } = rowLayout(width);
  return linesPerRow * height * Math.ceil(channels / Math.min(channels, groups));
}

/** Bytes a map occupies in KPU RAM (always whole lines). */
export function mapBytes(width: number, height: number, channels: number): number {
  return KPU_LINE_BYTES * mapLines(width, height, channels);
}

/** Byte address (from KPU RAM start) of element (c, y, x) of a map at base line `baseLine`. */
export function elementAddress(baseLine: number, width: number, height: number, c: number, y: number, x: number): number {
  const { groups, pitch, linesPerRow } = rowLayout(width);
  return KPU_LINE_BYTES * (baseLine + Math.floor(c / groups) * linesPerRow * height + y * linesPerRow) + (c % groups) * pitch + x;
}

/** Shape of a feature map (one batch). */
export interface MapShape {
  channels: number;
  height: number;
  width: number;
}

/**
 * Write a dense NCHW uint8 map into KPU RAM at `baseLine` (what `kpu_upload` does, §4.3).
 * Padding bytes of a slot are left untouched, as nncase does.
 */
export function writeMap(ram: Uint8Array, baseLine: number, shape: MapShape, dense: Uint8Array): void {
  const { channels, height, width } = shape;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const dst = elementAddress(baseLine, width, height, c, y, 0);
      const src = (c * height + y) * width;
      ram.set(dense.subarray(src, src + width), dst);
    }
  }
}

/** Read a map at `baseLine` back as dense NCHW uint8 (what `kpu_download` does). */
export function readMap(ram: Uint8Array, baseLine: number, shape: MapShape): Uint8Array {
  const { channels, height, width } = shape;
  const out = new Uint8Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const src = elementAddress(baseLine, width, height, c, y, 0);
      out.set(ram.subarray(src, src + width), (c * height + y) * width);
    }
  }
  return out;
}

/** True when the map [baseLine, baseLine + lines) lies inside KPU RAM. */
export function mapFits(baseLine: number, shape: MapShape): boolean {
  return baseLine >= 0 && baseLine + mapLines(shape.width, shape.height, shape.channels) <= KPU_RAM_LINES;
}
