import { fail } from "../errors.js";
import { DTYPES, isSubByte } from "../ir/dtype.js";
import { nodeLabel, type Graph, type Node, type ValueInfo } from "../ir/graph.js";
import type { OpRegistry } from "../ir/registry.js";
import { shapeToString } from "../ir/shape.js";
import { planStorage, byteSize, isAliasNode, type StoragePlan } from "../schedule/storage.js";
import { cComment, cIdent, CWriter } from "../cgen/cwriter.js";
import type { EmitCtx } from "../ir/emit-ctx.js";
import { cInitializer, cLiteral } from "../cgen/literals.js";
import { writeArenaPlacement, writeIoQuantMacros } from "./header-firmware.js";
import { packSubByte, packedByteLength } from "../ir/subbyte.js";
import { Tensor } from "../ir/tensor.js";

export interface EmittedModel {
  readonly modelC: string;
  readonly modelH: string;
  /** runtime-c kernel units the model uses, sorted. */
  readonly runtimeUnits: readonly string[];
  readonly plan: StoragePlan;
  /** Kernel calls in the run function (aliases emit none). */
  readonly kernelCalls: number;
  /** Rows of the per-op profile (the k of EGRET_PROFILE_BEGIN(k)): a row per kernel node, or its `OpDef.profileRows`. */
  readonly profileRows: number;
  readonly weightBytes: number;
  /** Persistent state (`<PREFIX>_STATE_BYTES`): statics kept across runs, outside the arena. */
  readonly stateBytes: number;
}

export interface EmitOptions {
  /** The ops the graph may use: their `emitC`, aliasing and scratch. */
  readonly ops: OpRegistry;
  /** Prefix of the C API (`<prefix>_run`, `<PREFIX>_ARENA_SIZE`). */
  readonly prefix?: string;
  readonly sourceName?: string;
  /**
   * Wrap each kernel call k (in run order, alias nodes excluded) in `EGRET_PROFILE_BEGIN(k)` /
   * `EGRET_PROFILE_END(k)`; both default to nothing unless defined (e.g. `-include`). Off: the
   * output is exactly the unprofiled source.
   */
  readonly profile?: boolean;
  /** Let outputs overwrite inputs that die at their node (default true). */
  readonly inPlace?: boolean;
  /** Concats whose inputs are written straight into their slices of the output (`StorageOptions.concatInPlace`); default false. */
  readonly concatInPlace?: boolean;
  /**
   * For targets whose kernels can fail at run time or keep device state (an accelerator): the run
   * function returns an int status (0, or the first failing call's nonzero status, see
   * `EmitCtx.checked`), and `stateNote` replaces the "no global state: reentrant" sentence of the header.
   */
  readonly fallibleRun?: { readonly stateNote: string };
}

/**
 * Emits model.c/model.h: weights as `static const` arrays, one arena, straight-line kernel calls.
 * Output is a pure function of the graph, so the same model gives byte-identical files.
 */
export function emitModel(graph: Graph, options: EmitOptions): EmittedModel {
  const prefix = cIdent(options.prefix ?? "model");
  const PREFIX = prefix.toUpperCase();
  const plan = planStorage(graph, options.ops, { inPlace: options.inPlace !== false, concatInPlace: options.concatInPlace === true });
  const state = new EmitState(graph, plan, options.fallibleRun !== undefined);
  const outputNames = new Set(graph.outputs.map((o) => o.name));

  let profileRows = 0;
  for (const node of graph.nodes) {
    if (isAliasNode(node, outputNames, options.ops)) continue;
    if (plan.joinedInPlace.has(node.name)) {
      state.body.push(cComment(`${node.name} (${node.op}): no copy, its inputs were written into their slices of ${node.outputs[0]}`));
      continue;
    }
    state.beginNode(node);
    const op = options.ops.get(node.op)!;
    // An op with rows of its own brackets its statements row by row (EmitCtx.profileRow).
    const rows = op.profileRows?.(node, node.inputs.map((n) => (n === "" ? undefined : state.ctx.info(n))));
    const slot = profileRows;
    profileRows += rows?.length ?? 1;
    if (options.profile === true) {
      if (rows !== undefined) state.profileRowBase = slot;
      else state.body.push(`EGRET_PROFILE_BEGIN(${slot});`);
    }
    if (op.emitC) {
      op.emitC(node, state.ctx);
      state.kernelCalls++;
    } else if (op.alias) {
      state.copy(node.outputs[0]!, node.inputs[0]!);
    } else {
      fail("unsupported-op", nodeLabel(node), "has no C implementation yet for the host target");
    }
    if (rows === undefined && options.profile === true) state.body.push(`EGRET_PROFILE_END(${slot});`);
    state.profileRowBase = undefined;
  }
  // Outputs that no node wrote into the caller's buffer: inputs, constants, repeated outputs.
  graph.outputs.forEach((o, index) => {
    const s = plan.storage.get(o.name);
    if (s?.kind === "output" && s.index === index) return;
    state.body.push(`/* output ${index} "${o.name}" is a copy */`);
    state.body.push(`memcpy(outputs[${index}], ${state.ctx.ptr(o.name)}, ${byteSize(o)});`);
  });

  const modelC = renderSource(graph, state, prefix, options.sourceName ?? graph.name, options.profile === true);
  const modelH = renderHeader(graph, options.ops, plan, prefix, PREFIX, state.stateBytes, options.fallibleRun?.stateNote);
  return {
    modelC,
    modelH,
    runtimeUnits: [...state.units].sort(),
    plan,
    kernelCalls: state.kernelCalls,
    profileRows,
    stateBytes: state.stateBytes,
    weightBytes:
      [...state.usedConsts].reduce((s, name) => s + graph.constants.get(name)!.byteLength, 0) +
      // Constants a kernel re-laid out at compile time (ctx.constant) and emitted as its own `w_*`
      // array, word-aligned: the size it declared (else the tensor's) rounded up to 4 bytes.
      [...state.relaidConsts].filter(([name]) => !state.usedConsts.has(name)).reduce((s, [name, bytes]) => s + 4 * Math.ceil((bytes ?? graph.constants.get(name)!.byteLength) / 4), 0) +
      [...state.packedConsts.keys()].reduce((s, name) => s + packedByteLength(graph.constants.get(name)!.dtype, graph.constants.get(name)!.size), 0),
  };
}

class EmitState {
  readonly units = new Set<string>();
  readonly defines = new Map<string, string>();
  readonly constArrays = new Map<string, { name: string; decl: string }>();
  readonly usedConsts = new Set<string>();
  readonly constNames = new Map<string, string>();
  /** Sub-byte constants kept packed in flash (`packedPtr`): tensor name -> C array name. */
  readonly packedConsts = new Map<string, string>();
  /** Constants whose values a kernel read (`constant`) to emit them in its own layout -> that array's bytes if declared. */
  readonly relaidConsts = new Map<string, number | undefined>();
  readonly idents = new Set<string>();
  readonly body: string[] = [];
  kernelCalls = 0;
  /** The current node's first profile slot while it is emitted with its own rows (OpDef.profileRows). */
  profileRowBase: number | undefined;
  /** Persistent state: total bytes and the statements of `<prefix>_reset`. */
  stateBytes = 0;
  readonly resetBody: string[] = [];
  private current: Node | undefined;
  readonly ctx: EmitCtx;

  constructor(
    private readonly graph: Graph,
    private readonly plan: StoragePlan,
    readonly fallible = false,
  ) {
    this.ctx = {
      ptr: (name) => this.ptr(name),
      info: (name) => this.info(name),
      packedPtr: (name) => this.packedPtr(name),
      constant: (name, relaidBytes) => this.constant(name, relaidBytes),
      useRuntime: (unit) => void this.units.add(unit),
      define: (key, code) => {
        if (!this.defines.has(key)) this.defines.set(key, code);
      },
      constArray: (ctype, values) => this.constArray(ctype, values),
      line: (code) => void this.body.push(code),
      checked: (call) => {
        if (!this.fallible) fail("internal", this.current ? nodeLabel(this.current) : "codegen", "emits a call that can fail, but this target's run function returns no status");
        this.body.push(`{\n  const int eg_status = ${call};\n  if (eg_status != 0) return eg_status;\n}`);
      },
      scratch: () => this.scratch(),
      uniqueName: (hint) => this.uniqueName(hint),
      profileRow: (row, emit) => {
        const base = this.profileRowBase;
        if (base !== undefined) this.body.push(`EGRET_PROFILE_BEGIN(${base + row});`);
        emit();
        if (base !== undefined) this.body.push(`EGRET_PROFILE_END(${base + row});`);
      },
      persistent: (bytes, resetCode) => {
        this.stateBytes += bytes;
        this.resetBody.push(resetCode);
      },
    };
  }

  beginNode(node: Node): void {
    this.current = node;
    const desc = (names: readonly string[]) =>
      names.filter((n) => n !== "").map((n) => `${n}[${shapeToString(this.info(n).shape)}]`).join(", ");
    this.body.push(cComment(`${node.name} (${node.op}): ${desc(node.inputs)} -> ${desc(node.outputs)}`));
  }

  copy(dst: string, src: string): void {
    this.body.push(`memcpy(${this.ptr(dst)}, ${this.ptr(src)}, ${byteSize(this.info(dst))});`);
  }

  info(name: string): ValueInfo {
    const v = this.graph.values.get(name);
    if (!v) fail("internal", this.current ? nodeLabel(this.current) : "codegen", `tensor "${name}" has no type`);
    return v;
  }

  uniqueName(hint: string): string {
    const base = cIdent(hint);
    let name = base;
    for (let i = 1; this.idents.has(name); i++) name = `${base}_${i}`;
    this.idents.add(name);
    return name;
  }

  ptr(name: string): string {
    if (name === "") return "NULL";
    const s = this.plan.storage.get(name);
    const ctype = DTYPES[this.info(name).dtype].ctype;
    if (!s) fail("internal", this.current ? nodeLabel(this.current) : "codegen", `tensor "${name}" has no storage`);
    switch (s.kind) {
      case "input":
        return `((const ${ctype} *)inputs[${s.index}])`;
      case "output":
        return s.offset === undefined ? `((${ctype} *)outputs[${s.index}])` : `((${ctype} *)((uint8_t *)outputs[${s.index}] + ${s.offset}))`;
      case "arena":
        return `((${ctype} *)(A + ${s.offset}))`;
      case "const": {
        this.usedConsts.add(name);
        let c = this.constNames.get(name);
        if (!c) {
          c = this.uniqueName(`w_${name}`);
          this.constNames.set(name, c);
        }
        return c;
      }
    }
  }

  constant(name: string, relaidBytes?: number): Tensor | undefined {
    const t = this.plan.storage.get(name)?.kind === "const" ? this.graph.constants.get(name) : undefined;
    if (t !== undefined) this.relaidConsts.set(name, relaidBytes ?? this.relaidConsts.get(name));
    return t;
  }

  packedPtr(name: string): string | undefined {
    const t = this.graph.constants.get(name);
    if (!t || this.plan.storage.get(name)?.kind !== "const") return undefined;
    if (!isSubByte(t.dtype)) fail("internal", this.current ? nodeLabel(this.current) : "codegen", `tensor "${name}" is ${t.dtype}; only sub-byte constants are packed`);
    let c = this.packedConsts.get(name);
    if (!c) {
      c = this.uniqueName(`w_${name}_packed`);
      this.packedConsts.set(name, c);
    }
    return c;
  }

  scratch(): string {
    const node = this.current!;
    const off = this.plan.scratch.get(node.name);
    if (off === undefined) fail("internal", nodeLabel(node), "asked for scratch memory but declared none (scratchBytes)");
    return `((void *)(A + ${off}))`;
  }

  constArray(ctype: string, values: readonly number[]): string {
    const dtype = ctype === "float" ? "float32" : ctype === "double" ? "float64" : ctype === "int64_t" ? "int64" : "int32";
    const items = values.map((v) => cLiteral(dtype, dtype === "int64" ? BigInt(Math.trunc(v)) : v));
    const key = `${ctype}:${items.join(",")}`;
    let entry = this.constArrays.get(key);
    if (!entry) {
      const name = this.uniqueName(`p${this.constArrays.size}`);
      const body = items.length ? items.join(", ") : "0";
      entry = { name, decl: `static const ${ctype} ${name}[${Math.max(1, items.length)}] = { ${body} };` };
      this.constArrays.set(key, entry);
    }
    return entry.name;
  }
}

function renderSource(graph: Graph, state: EmitState, prefix: string, source: string, profile: boolean): string {
  const w = new CWriter();
  w.line(cComment(`Generated by Egret from "${source}". Do not edit: regenerate instead.`));
  w.line(`#include "${prefix}.h"`);
  w.line("#include <math.h>");
  w.line("#include <stdint.h>");
  w.line("#include <string.h>");
  w.line('#include "egret.h"');
  for (const unit of [...state.units].sort()) w.line(`#include "${unit}.h"`);
  w.line();
  if (profile) {
    for (const hook of ["EGRET_PROFILE_BEGIN", "EGRET_PROFILE_END"]) w.line(`#ifndef ${hook}`).line(`#define ${hook}(op) ((void)0)`).line("#endif");
    w.line();
  }
  for (const code of state.defines.values()) w.raw(code).line();
  for (const name of state.usedConsts) {
    const t = graph.constants.get(name)!;
    w.line(cComment(`${name}: ${t.dtype}[${shapeToString(t.shape)}]`));
    constantArray(w, DTYPES[t.dtype].ctype, state.constNames.get(name)!, t);
  }
  for (const [name, cname] of state.packedConsts) {
    const t = graph.constants.get(name)!;
    w.line(cComment(`${name}: ${t.dtype}[${shapeToString(t.shape)}], ${8 / DTYPES[t.dtype].bits} elements per byte, first in the low bits`));
    constantArray(w, "uint8_t", cname, t.size === 0 ? t : packedTensor(t));
  }
  for (const { decl } of state.constArrays.values()) w.line(decl);
  w.line();
  for (const [kind, list] of [["input", graph.inputs], ["output", graph.outputs]] as const) {
    w.line(`const size_t ${prefix}_${kind}_bytes[${list.length + 1}] = { ${[...list.map((v) => `${byteSize(v)}u`), "0"].join(", ")} };`);
  }
  w.line();
  w.block(`${state.fallible ? "int" : "void"} ${prefix}_run(const void *const inputs[], void *const outputs[], void *arena)`, () => {
    w.line("uint8_t *const A = (uint8_t *)arena;");
    w.line("(void)inputs;");
    w.line("(void)outputs;");
    w.line("(void)A;");
    for (const stmt of state.body) w.raw(stmt);
    if (state.fallible) w.line("return 0;");
  });
  w.line();
  w.block(`void ${prefix}_reset(void)`, () => {
    if (state.resetBody.length === 0) w.line("/* No persistent state. */");
    for (const stmt of state.resetBody) w.line(stmt);
  });
  return w.toString();
}

function constantArray(w: CWriter, ctype: string, cname: string, t: Tensor): void {
  if (t.size === 0) {
    w.line(`static const ${ctype} ${cname}[1] = { 0 };`);
    return;
  }
  w.line(`static const ${ctype} ${cname}[${t.size}] = {`);
  w.raw(cInitializer(t));
  w.line("};");
}

/** A sub-byte tensor's packed bytes as a uint8 tensor (for the initializer writer). */
function packedTensor(t: Tensor): Tensor {
  const bytes = packSubByte(t);
  return new Tensor("uint8", [bytes.length], bytes);
}

function renderHeader(graph: Graph, ops: OpRegistry, plan: StoragePlan, prefix: string, PREFIX: string, stateBytes: number, stateNote?: string): string {
  const w = new CWriter();
  const guard = `${PREFIX}_H_`;
  w.line(`/* Generated by Egret. The model's C API. */`);
  w.line(`#ifndef ${guard}`);
  w.line(`#define ${guard}`);
  w.line("#include <stddef.h>");
  w.line("#include <stdint.h>");
  w.line();
  w.line(`/* Bytes of working memory ${prefix}_run needs (16-byte aligned). */`);
  w.line(`#define ${PREFIX}_ARENA_SIZE ${plan.arena.size}u`);
  w.line(`#define ${PREFIX}_ARENA_ALIGNMENT 16u`);
  w.line(`/* Bytes of persistent state (statics kept across runs; 0: none), besides the arena. */`);
  w.line(`#define ${PREFIX}_STATE_BYTES ${stateBytes}u`);
  w.line(`#define ${PREFIX}_NUM_INPUTS ${graph.inputs.length}`);
  w.line(`#define ${PREFIX}_NUM_OUTPUTS ${graph.outputs.length}`);
  if (stateNote !== undefined) w.line(cComment(`${prefix}_run returns an int status (0 = success)`)).line(`#define ${PREFIX}_RUN_RETURNS_STATUS 1`);
  for (const [kind, list] of [["INPUT", graph.inputs], ["OUTPUT", graph.outputs]] as const) {
    list.forEach((v, i) => {
      w.line(cComment(`${kind.toLowerCase()} ${i}: "${v.name}" ${v.dtype}[${shapeToString(v.shape)}]`));
      w.line(`#define ${PREFIX}_${kind}_${i}_DTYPE "${v.dtype}"`);
      w.line(`#define ${PREFIX}_${kind}_${i}_RANK ${v.shape.length}`);
      w.line(`#define ${PREFIX}_${kind}_${i}_SHAPE { ${v.shape.length ? v.shape.join(", ") : "1"} }`);
      w.line(`#define ${PREFIX}_${kind}_${i}_BYTES ${byteSize(v)}u`);
      writeIoQuantMacros(w, graph, ops, `${PREFIX}_${kind}_${i}`, v, kind === "INPUT" ? "input" : "output", DTYPES[v.dtype].ctype);
    });
  }
  writeArenaPlacement(w, PREFIX, stateNote === undefined && stateBytes === 0);
  w.line();
  w.line("/* Byte sizes of the inputs and outputs in order, each list ended by a 0 sentinel. */");
  w.line(`extern const size_t ${prefix}_input_bytes[${graph.inputs.length + 1}];`);
  w.line(`extern const size_t ${prefix}_output_bytes[${graph.outputs.length + 1}];`);
  w.line();
  w.line("/*");
  w.line(` * Runs one inference. inputs[i] and outputs[i] point to the tensors in model order (row-major,`);
  w.line(` * little-endian); arena points to ${PREFIX}_ARENA_SIZE bytes aligned to ${PREFIX}_ARENA_ALIGNMENT.`);
  if (stateNote !== undefined) {
    for (const line of stateNote.split("\n")) w.line(` * ${line}`.trimEnd());
  } else if (stateBytes === 0) {
    w.line(" * No allocation, no global state: the function is reentrant given distinct arenas.");
  } else {
    w.line(` * No allocation. The model keeps ${PREFIX}_STATE_BYTES bytes of persistent state in statics (recurrent`);
    w.line(" * ops: SVDF/LSTM state), updated by every run so that a run continues the stream of the previous one:");
    w.line(` * the function is NOT reentrant (one stream, one caller at a time); ${prefix}_reset() starts a new stream.`);
  }
  w.line(" */");
  w.line(`${stateNote === undefined ? "void" : "int"} ${prefix}_run(const void *const inputs[], void *const outputs[], void *arena);`);
  w.line();
  w.line(`/* Puts the persistent state back to its initial value (a new stream); does nothing without state. */`);
  w.line(`void ${prefix}_reset(void);`);
  w.line();
  w.line(`#endif /* ${guard} */`);
  return w.toString();
}
