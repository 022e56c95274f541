/**
 * kmodel reader (K210-KPU.md §4): detects v3 / v4 by content (§4.1) and parses either.
 */
import { fail } from "../../../src/errors.js";
import { parseKmodelV3, type KmodelV3 } from "./v3.js";
import { parseKmodelV4, KMODEL_V4_MAGIC, type KmodelV4 } from "./v4.js";

export type Kmodel = KmodelV3 | KmodelV4;
export type { KmodelV3, V3Layer } from "./v3.js";
export type { KmodelV4, V4Node, MemoryRange } from "./v4.js";

/** True when the bytes start like a kmodel v3 (version 3, arch 0) or v4 ('KMDL'). */
export function isKmodel(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(0, true);
  if (first === KMODEL_V4_MAGIC) return true;
  return first === 3 && view.getUint32(8, true) === 0 && view.getUint32(4, true) <= 1;
}

export function parseKmodel(bytes: Uint8Array, file = "kmodel"): Kmodel {
  if (!isKmodel(bytes)) fail("parse", file, "is not a kmodel: expected u32 3 with arch 0 (v3) or the identifier 'KMDL' (v4) at the start");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(0, true) === KMODEL_V4_MAGIC ? parseKmodelV4(bytes, file) : parseKmodelV3(bytes, file);
}
