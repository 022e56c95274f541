import type { Node, ValueInfo } from "./graph.js";

/**
 * float16 operands of an op that computes in float32 only (`OpDef.halfAsFloat`: MatMul, Gemm,
 * Conv, ConvTranspose). Exporters write such nodes inside expanded functions (Attention,
 * CausalConvWithState in float16). The node becomes Cast(to float32) on each float16 input, the
 * op in float32, and, when input 0 is float16, Cast(to float16) on each output: float16 to
 * float32 is exact and the result is rounded once to nearest even, which is what numpy's float16
 * matmul and dot (the ONNX reference) compute, since they accumulate in float32.
 */

const FLOAT32 = 1;
const FLOAT16 = 10;

/**
 * The nodes that replace `node` (in order), or undefined when no input is float16. `taken`
 * holds every tensor name in use; the new names are added to it.
 */
export function widenHalf(node: Node, info: (name: string) => ValueInfo | undefined, taken: Set<string>): Node[] | undefined {
  const half = node.inputs.map((n) => n !== "" && info(n)?.dtype === "float16");
  if (!half.includes(true)) return undefined;
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const before: Node[] = [];
  const inputs = node.inputs.map((n, i) => {
    if (!half[i]) return n;
    const wide = fresh(`${n}__f32`);
    before.push({ name: fresh(`${node.name}__widen${i}`), op: "Cast", inputs: [n], outputs: [wide], attrs: { to: FLOAT32 } });
    return wide;
  });
  const after: Node[] = [];
  const outputs = half[0]
    ? node.outputs.map((o, i) => {
        if (o === "") return o;
        const wide = fresh(`${o}__f32`);
        after.push({ name: fresh(`${node.name}__narrow${i}`), op: "Cast", inputs: [wide], outputs: [o], attrs: { to: FLOAT16 } });
        return wide;
      })
    : node.outputs;
  return [...before, { ...node, inputs, outputs }, ...after];
}
