/**
 * The `kpu-legal` rule guard (rules/targets/k210.rules): `(kpu-legal ?x ?w ?conv)` holds when a Conv
 * with input ?x, weights ?w and attribute record ?conv (bound by `:* ?conv`, fused activation
 * included) producing the matched expression's type is a legal KPU layer (legality.ts). The plugin
 * (index.ts) contributes it to the toolchain's rule vocabulary.
 */
import type { Attrs, AttrValue } from "../../src/ir/graph.js";
import { Tensor } from "../../src/ir/tensor.js";
import { facts, value, type GuardList } from "../../src/rules/arg-access.js";
import { kpuFcVerdict } from "./fc-legality.js";
import { kpuConvVerdict } from "./legality.js";

export const K210_GUARDS: GuardList = [
  [
    "kpu-legal",
    {
      params: ["class", "class", "value"],
      doc: "(kpu-legal ?x ?w ?conv): Conv(?x, ?w) with the attributes ?conv, giving the matched type, runs on the K210 KPU (backends/k210/legality.ts)",
      test: ([x, w, conv], match) => {
        const attrs = attributeRecord(value(conv));
        if (attrs === undefined) return false;
        const node = { name: "kpu-legal", op: "Conv", inputs: [], outputs: [], attrs };
        return kpuConvVerdict(node, facts(x).type, facts(w).type, match.root.type).ok;
      },
    },
  ],
  [
    "kpu-fc-legal",
    {
      params: ["class", "class", "value"],
      doc: "(kpu-fc-legal ?a ?b ?gemm): Gemm(?a, ?b) with the attributes ?gemm, giving the matched type, runs on the K210 KPU as a 1×1 conv on a 4×4 map (backends/k210/fc-legality.ts)",
      test: ([a, b, gemm], match) => {
        const attrs = attributeRecord(value(gemm));
        return attrs !== undefined && kpuFcVerdict({ op: "Gemm", attrs }, facts(a).type, facts(b).type, match.root.type).ok;
      },
    },
  ],
  [
    "kpu-matmul-legal",
    {
      params: ["class", "class"],
      doc: "(kpu-matmul-legal ?a ?b): MatMul(?a, ?b), giving the matched type, runs on the K210 KPU as a 1×1 conv on a 4×4 map (backends/k210/fc-legality.ts)",
      test: ([a, b], match) => kpuFcVerdict({ op: "MatMul", attrs: {} }, facts(a).type, facts(b).type, match.root.type).ok,
    },
  ],
];

/** The `:*` record of a value argument; undefined for a single attribute value or an absent one. */
function attributeRecord(v: AttrValue | Attrs | null | undefined): Attrs | undefined {
  if (v === undefined || v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Tensor) return undefined;
  return v as Attrs;
}

