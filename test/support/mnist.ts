import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** The MNIST IDX files (gzip): images as [count, 28, 28] bytes, labels as bytes. */
export function readMnist(imagesGz: string, labelsGz: string): { count: number; rows: number; cols: number; images: Uint8Array; labels: Uint8Array } {
  const images = gunzipSync(readFileSync(imagesGz));
  const labels = gunzipSync(readFileSync(labelsGz));
  // IDX: big-endian magic (0x0803 images, 0x0801 labels), then the dimension sizes.
  if (images.readUInt32BE(0) !== 0x803 || labels.readUInt32BE(0) !== 0x801) throw new Error("not MNIST IDX files");
  const count = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  if (labels.readUInt32BE(4) !== count) throw new Error("MNIST image and label counts differ");
  return { count, rows, cols, images: new Uint8Array(images.subarray(16, 16 + count * rows * cols)), labels: new Uint8Array(labels.subarray(8, 8 + count)) };
}
