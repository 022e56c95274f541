import type { EmitCtx } from "../emit-ctx.js";
import type { Node, ValueInfo } from "../graph.js";
import type { OpDef } from "../op.js";
import { numel } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cHelper } from "./elementwise/c-helpers.js";

/**
 * float16 inputs and outputs for a float32 op: float16 inputs are widened to float32 (exactly),
 * the op computes in float32, and when input 0 is float16 its float32 outputs are rounded back to
 * float16 (to nearest even). This is what onnxruntime and the ONNX reference do for the ops that
 * accumulate in float32 (Attention with a float32 softmax, LinearAttention, CausalConvWithState);
 * it costs one conversion pass per tensor and scratch for the float32 copies.
 */
export function withHalfIo(def: OpDef): OpDef {
  return {
    ...def,
    dataTypes: `${def.dataTypes ?? "float32"}; float16 I/O (computed in float32)`,
    infer(node, inputs) {
      return halfOutputs(inputs, def.infer(node, inputs.map(widen)));
    },
    evaluate(node, inputs) {
      const results = def.evaluate(node, inputs.map((t) => (t?.dtype === "float16" ? Tensor.fromNumbers("float32", t.shape, t.toNumbers()) : t)));
      if (inputs[0]?.dtype !== "float16") return results;
      return results.map((t) => (t.dtype === "float32" ? Tensor.fromNumbers("float16", t.shape, t.toNumbers()) : t));
    },
    emitC(node, ctx) {
      const info = (n: string) => (n === "" ? undefined : ctx.info(n));
      const layout = halfLayout(def, node, node.inputs.map(info), node.outputs.map(info));
      if (layout.copies.size === 0) return def.emitC!(node, ctx);
      const base = ctx.scratch();
      const at = (offset: number) => `((float *)((uint8_t *)${base} + ${offset}))`;
      const toF32 = cHelper(ctx, "f16_to_f32");
      const toF16 = cHelper(ctx, "f32_to_f16");
      for (const [name, copy] of layout.copies) {
        if (copy.input) ctx.line(`{ int32_t i; for (i = 0; i < ${copy.count}; i++) ${at(copy.offset)}[i] = ${toF32}(${ctx.ptr(name)}[i]); }`);
      }
      const inner: EmitCtx = {
        ptr: (name) => (layout.copies.has(name) ? at(layout.copies.get(name)!.offset) : ctx.ptr(name)),
        info: (name) => widen(ctx.info(name))!,
        packedPtr: (name) => (layout.copies.has(name) ? undefined : ctx.packedPtr(name)),
        useRuntime: (unit) => ctx.useRuntime(unit),
        define: (key, code) => ctx.define(key, code),
        constArray: (ctype, values) => ctx.constArray(ctype, values),
        line: (code) => ctx.line(code),
        checked: (call) => ctx.checked(call),
        scratch: () => `((uint8_t *)${base} + ${layout.innerOffset})`,
        uniqueName: (hint) => ctx.uniqueName(hint),
        persistent: (bytes, resetCode) => ctx.persistent(bytes, resetCode),
      };
      def.emitC!(node, inner);
      for (const [name, copy] of layout.copies) {
        if (!copy.input) ctx.line(`{ int32_t i; for (i = 0; i < ${copy.count}; i++) ${ctx.ptr(name)}[i] = ${toF16}(${at(copy.offset)}[i]); }`);
      }
    },
    scratchBytes(node, inputs, outputs) {
      const inner = def.scratchBytes?.(node, inputs.map(widen), outputs.map((o) => widen(o)!)) ?? 0;
      const layout = halfLayout(def, node, inputs, outputs);
      return layout.copies.size === 0 ? inner : layout.innerOffset + inner;
    },
  };
}

function widen(info: ValueInfo | undefined): ValueInfo | undefined {
  return info?.dtype === "float16" ? { ...info, dtype: "float32" } : info;
}

function halfOutputs(inputs: readonly (ValueInfo | undefined)[], outputs: ValueInfo[]): ValueInfo[] {
  if (inputs[0]?.dtype !== "float16") return outputs;
  return outputs.map((o) => (o.dtype === "float32" ? { ...o, dtype: "float16" } : o));
}

interface Copy {
  readonly input: boolean;
  readonly count: number;
  /** Byte offset of the float32 copy in the node's scratch. */
  readonly offset: number;
}

/**
 * The float32 copies of the node's float16 tensors (infos by position, like the node's inputs and
 * outputs), 16-byte aligned, then the op's own scratch.
 */
function halfLayout(def: OpDef, node: Node, ins: readonly (ValueInfo | undefined)[], outs: readonly (ValueInfo | undefined)[]): { copies: Map<string, Copy>; innerOffset: number } {
  const copies = new Map<string, Copy>();
  let offset = 0;
  const add = (name: string, info: ValueInfo | undefined, input: boolean) => {
    if (name === "" || copies.has(name) || info?.dtype !== "float16") return;
    const count = numel(info.shape);
    copies.set(name, { input, count, offset });
    offset += Math.ceil((4 * count) / 16) * 16;
  };
  node.inputs.forEach((n, i) => add(n, ins[i], true));
  node.outputs.forEach((n, i) => add(n, outs[i], false));
  if (def.alias) throw new Error(`internal: ${def.name} aliases its input and cannot convert float16`);
  return { copies, innerOffset: offset };
}
