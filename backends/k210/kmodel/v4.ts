/**
 * kmodel v4 (nncase v0.2) reader, K210-KPU.md §4.3: header, input/output memory ranges, constant
 * pool, node headers and node bodies. Every memory range is checked against its pool (constants,
 * main memory, 2 MiB KPU RAM) and every body against its declared size.
 */
import { fail } from "../../../src/errors.js";
import { ByteCursor, checkedCount } from "./cursor.js";
import { V4_OPCODE_NAMES } from "./opcodes.js";
import { parseV4Body, type V4Body } from "./v4-ops.js";

export const KMODEL_V4_MAGIC = 0x4b4d444c;

/** memory_range: where a tensor lives. */
export interface MemoryRange {
  memoryType: "const" | "main" | "kpu";
  datatype: "float32" | "uint8";
  start: number;
  size: number;
}

export interface V4Node {
  index: number;
  opcode: number;
  name: string;
  offset: number;
  size: number;
  body: V4Body;
}

export interface KmodelV4 {
  version: 4;
  flags: number;
  target: number;
  constants: Uint8Array;
  mainMem: number;
  inputs: MemoryRange[];
  inputShapes: number[][];
  outputs: MemoryRange[];
  nodes: V4Node[];
  fileSize: number;
}

export const KPU_RAM_SIZE = 2 * 1024 * 1024;

export function readMemoryRange(c: ByteCursor, field: string, limits: { constants: number; mainMem: number }): MemoryRange {
  const type = c.u32(`${field} memory_type`);
  const dt = c.u32(`${field} datatype`);
  const start = c.u32(`${field} start`);
  const size = c.u32(`${field} size`);
  const memoryType = type === 0 ? "const" : type === 1 ? "main" : type === 2 ? "kpu" : fail("parse", c.file, `${field} has memory_type ${type}; expected 0 (const), 1 (main) or 2 (kpu)`);
  const datatype = dt === 0 ? "float32" : dt === 1 ? "uint8" : fail("parse", c.file, `${field} has datatype ${dt}; expected 0 (float32) or 1 (uint8)`);
  const limit = memoryType === "const" ? limits.constants : memoryType === "main" ? limits.mainMem : KPU_RAM_SIZE;
  if (start + size > limit) fail("parse", c.file, `${field} [${start}, +${size}) lies outside ${memoryType} memory (${limit} bytes)`);
  if (datatype === "float32" && size % 4 !== 0) fail("parse", c.file, `${field} is float32 but its size ${size} is not a multiple of 4`);
  return { memoryType, datatype, start, size };
}

export function parseKmodelV4(bytes: Uint8Array, file: string): KmodelV4 {
  const c = new ByteCursor(bytes, file);
  const magic = c.u32("header identifier");
  if (magic !== KMODEL_V4_MAGIC) fail("parse", file, `header identifier is 0x${magic.toString(16)}, expected 0x4b4d444c ('KMDL')`);
  const version = c.u32("header version");
  if (version !== 4) fail("parse", file, `header version is ${version}; only kmodel v4 uses the KMDL identifier here`);
  const flags = c.u32("header flags");
  const target = c.u32("header target");
  const constantsSize = c.u32("header constants");
  const mainMem = c.u32("header main_mem");
  const nodeCount = checkedCount(c.u32("header nodes"), bytes.length / 8, file, "nodes");
  const inputCount = checkedCount(c.u32("header inputs"), bytes.length / 32, file, "inputs");
  const outputCount = checkedCount(c.u32("header outputs"), bytes.length / 16, file, "outputs");
  c.u32("header reserved0");
  // Constants follow the I/O tables; check the pool fits before ranges are checked against it.
  const constantsStart = c.pos + inputCount * 32 + outputCount * 16;
  if (constantsStart + constantsSize > bytes.length) fail("parse", file, `constant pool [${constantsStart}, +${constantsSize}) runs past the end of the file (${bytes.length} bytes)`);
  const limits = { constants: constantsSize, mainMem };
  const inputs = Array.from({ length: inputCount }, (_, i) => readMemoryRange(c, `input ${i}`, limits));
  const inputShapes = Array.from({ length: inputCount }, (_, i) => c.i32s(4, `input ${i} shape`));
  inputShapes.forEach((s, i) => {
    if (s.some((d) => d < 1)) fail("parse", file, `input ${i} shape [${s.join(", ")}] has a dimension below 1`);
    const elements = s.reduce((a, b) => a * b, 1);
    const bytesPer = inputs[i]!.datatype === "float32" ? 4 : 1;
    if (elements * bytesPer !== inputs[i]!.size && inputs[i]!.memoryType !== "kpu") fail("parse", file, `input ${i} shape [${s.join(", ")}] needs ${elements * bytesPer} bytes but its range holds ${inputs[i]!.size}`);
  });
  const outputs = Array.from({ length: outputCount }, (_, i) => readMemoryRange(c, `output ${i}`, limits));
  const constants = c.take(constantsSize, "constant pool");
  const headers = Array.from({ length: nodeCount }, (_, i) => ({ opcode: c.u32(`node ${i} opcode`), size: c.u32(`node ${i} body_size`) }));
  const nodes: V4Node[] = [];
  let offset = c.pos;
  headers.forEach((h, index) => {
    const name = V4_OPCODE_NAMES[h.opcode] ?? fail("parse", file, `node ${index} has unknown opcode 0x${h.opcode.toString(16)}`);
    // The writer seeks past the last body's padding without writing it (as in v3, §4.2), so only
    // the last body may end early; its content is still checked field by field.
    const isLast = index === headers.length - 1;
    if (offset + h.size > bytes.length && !(isLast && offset + h.size - bytes.length < 8)) {
      fail("parse", file, `node ${index} (${name}) body [${offset}, +${h.size}) runs past the end of the file (${bytes.length} bytes)`);
    }
    const body = parseV4Body(new ByteCursor(bytes, file, offset, Math.min(offset + h.size, bytes.length)), h.opcode, `node ${index} (${name})`, limits);
    nodes.push({ index, opcode: h.opcode, name, offset, size: h.size, body });
    offset += h.size;
  });
  return { version: 4, flags, target, constants, mainMem, inputs, inputShapes, outputs, nodes, fileSize: bytes.length };
}
