import type { EmitCtx } from "./emit-ctx.js";
import type { Node, ValueInfo } from "./graph.js";
import type { Tensor } from "./tensor.js";

/** An ONNX input that this compiler needs as a compile-time constant, folded into an attribute. */
export interface ConstInput {
  readonly index: number;
  readonly attr: string;
  /**
   * Keep the folded value as a Tensor attribute instead of a list of numbers: its element type
   * matters (Range's output type is its operands' type) or it is data rather than a shape.
   */
  readonly asTensor?: boolean;
  /** Why the input must be constant, quoted in the error when it is not (default: static C code). */
  readonly reason?: string;
}

/** An input whose bytes the output may overwrite behind the kernel's read front (`OpDef.inPlace`). */
export interface InPlaceInput {
  readonly input: number;
  readonly lagBytes: number;
}

/**
 * Values an input takes by definition, whatever the model: a BatchNormalization variance is never
 * negative. The rule checker (src/rules/check.ts) draws the input inside it.
 */
export type InputDomain = "non-negative";

/**
 * One operator: everything the compiler knows about it lives here (importers, the interpreter,
 * constant folding, the rule checker and code emission all go through the registry).
 *
 * Canonical form: attributes that ONNX later turned into inputs are attributes here
 * (`constInputs`); opset-specific spellings are rewritten by `canonicalize`.
 */
export interface OpDef {
  readonly name: string;
  /** The op family module it belongs to (for the README table and error hints). */
  readonly family: string;
  /**
   * The attributes rules may name on this op (canonical form). Target ops declare them here; the
   * core ops' lists live in src/rules/op-attributes.ts.
   */
  readonly attributes?: readonly string[];
  /** Data element types in words, for the README op table (default: "float32" and others). */
  readonly dataTypes?: string;
  /**
   * The ONNX opsets and attribute / input forms the op accepts, in words, for `egret ops` and the
   * README table (default: every opset's form, canonicalised by `constInputs` and `canonicalize`).
   */
  readonly forms?: string;
  /** Swapping two operands gives the same result (Add, Mul...): the e-graph matcher tries both orders. */
  readonly commutative?: boolean;
  /** Numbers of inputs/outputs accepted, optional ones included. */
  readonly inputs: { readonly min: number; readonly max: number };
  readonly outputs: { readonly min: number; readonly max: number };
  readonly constInputs?: readonly ConstInput[];
  /** Domains of inputs that have one, by input index. */
  readonly inputDomains?: Readonly<Record<number, InputDomain>>;
  /**
   * Rewrites an imported node of the given ONNX opset into the canonical form (defaults that
   * changed between opsets, renamed attributes). Runs after `constInputs` were folded.
   */
  canonicalize?(node: Node, opset: number): Node;
  /** Validates attributes and input types; returns output types. Throws EgretError naming the node. */
  infer(node: Node, inputs: readonly (ValueInfo | undefined)[]): ValueInfo[];
  /** Reference semantics (float64 arithmetic where that matters, stored in the output dtype). */
  evaluate(node: Node, inputs: readonly (Tensor | undefined)[]): Tensor[];
  /**
   * Writes the C for this node (kernel calls, file-scope helpers). Not called for nodes the planner
   * aliases; an alias op without emitC that must materialise its output gets a memcpy.
   */
  emitC?(node: Node, ctx: EmitCtx): void;
  /**
   * The output is input 0's bytes reinterpreted (Reshape, Flatten, Squeeze, Identity...): the
   * planner gives it input 0's buffer and no code is emitted.
   */
  readonly alias?: boolean;
  /**
   * In-place execution: for each listed input, the output may start `lagBytes` bytes below that
   * input's first byte and overlap it (a negative lag: above it), because the C kernel never
   * writes over input bytes it still has to read. The lag follows from the kernel's loop order
   * (src/schedule/overwrite-lag.ts); the planner uses it only where the input dies at this node.
   */
  inPlace?(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): readonly InPlaceInput[];
  /**
   * The output is exactly the inputs' bytes end to end, in input order (a Concat whose dimensions
   * before the axis are all 1): with `StorageOptions.concatInPlace` the planner lets each input's
   * producer write straight into its slice of the output, and the node then emits no code.
   */
  contiguousJoin?(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): boolean;
  /** Bytes of temporary arena memory the C kernel needs while it runs (`ctx.scratch()`). */
  scratchBytes?(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): number;
  /**
   * Present when the result depends only on the input types and shapes (Shape, Size): with static
   * shapes the node is always folded at import, even when its input is computed at run time, and
   * without materialising that input (it may be far bigger than the compile-time budget).
   */
  evaluateFromTypes?(node: Node, inputs: readonly (ValueInfo | undefined)[]): Tensor[];
  /**
   * Inputs whose values the op never reads, only their type (CastLike's input 1): a node whose
   * other inputs are constants is folded at import even when these are computed at run time;
   * `evaluate` then gets an empty tensor of the input's type in their place.
   */
  readonly typeOnlyInputs?: readonly number[];
  /**
   * The op computes in float32 only, and float16 operands are widened to float32 around it at
   * import (widen-half.ts): exact for ops that accumulate in float32 (MatMul, Conv).
   */
  readonly halfAsFloat?: boolean;
  /**
   * A warning about an imported node that compiles but probably not as the user intends (a
   * graph exported in training mode); buildGraph reports it once per message with the nodes.
   */
  importWarning?(node: Node): string | undefined;
  /**
   * The result is a tensor the node's attributes already hold (Constant): folding it allocates
   * nothing, so it is folded whatever its size (LIMITS.foldBytes bounds new constants only).
   */
  readonly resultInAttributes?: boolean;
  /** Multiply-accumulates of one inference, for `egret info` and cost models. */
  macs?(node: Node, inputs: readonly (ValueInfo | undefined)[], outputs: readonly ValueInfo[]): number;
  /**
   * Inside a QPatchBands band (src/ir/ops/quant/patch/), run this layer as the named op instead:
   * same attributes and bit-identical results, with the per-call setup (per-channel requantization
   * tables...) done at compile time, since a band chain calls each layer once per band.
   */
  readonly bandOp?: string;
  /**
   * Ops whose C runs other ops' kernels (QPatchBands): the rows the per-op profile gives one node,
   * in row order; `emitC` puts each statement into its row with `EmitCtx.profileRow`. Without it,
   * the node is one row.
   */
  profileRows?(node: Node, inputs: readonly (ValueInfo | undefined)[]): readonly ProfileRow[];
  /**
   * For an op that runs other ops by name (QPatchBands runs its layers' kernels, which may be a
   * target's): the same op bound to the registry it is in. `OpRegistry.of` puts the bound op in
   * its place, so the layers resolve to exactly the ops of that compile.
   */
  bindRegistry?(ops: OpLookup): OpDef;
}

/** One kernel call an op's C makes, typed (a row of the per-op profile covers some). */
export interface KernelCall {
  readonly node: Node;
  readonly inputs: readonly (ValueInfo | undefined)[];
  readonly outputs: readonly ValueInfo[];
}

/** A row of the per-op profile (`OpDef.profileRows`): a node naming it, and the calls it covers (what a cost model prices). */
export interface ProfileRow {
  readonly node: Node;
  readonly calls: readonly KernelCall[];
}

/** Finding an op by name: what `bindRegistry` gets (an OpRegistry). */
export interface OpLookup {
  get(name: string): OpDef | undefined;
}
